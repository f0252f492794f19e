package dev.vigil.core.extract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkPrefixTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "203.0.113.77 | 203.0.113.0/24",
      "0.0.0.0 | 0.0.0.0/24",
      "255.255.255.255 | 255.255.255.0/24",
      "2001:db8:abcd:12::1 | 2001:db8:abcd::/48",
      "2001:0DB8:0001:0000:0000:0000:0000:0001 | 2001:db8:1::/48",
      "::1 | 0:0:0::/48",
      "fe80::1%eth0 | fe80:0:0::/48",
      "[2001:db8::7] | 2001:db8:0::/48",
      "::ffff:198.51.100.9 | 198.51.100.0/24",
      "64:ff9b::192.0.2.33 | 64:ff9b:0::/48",
      "256.1.1.1 | ''",
      "1.2.3 | ''",
      "1.2.3.4.5 | ''",
      "1..2.3 | ''",
      "-1.2.3.4 | ''",
      "example.com | ''",
      "1:2:3:4:5:6:7:8:9 | ''",
      "1::2::3 | ''",
      "12345::1 | ''",
      "'' | ''",
      "NULL | ''",
  })
  void prefixOf(String ip, String expected) {
    assertThat(NetworkPrefix.of(ip)).isEqualTo(expected);
  }
}
