package dev.vigil.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MemberRecordKeysTest {
  @Test
  void aKeyIsTheDecimalIdAndParsingSaysWhatIsWrong() {
    assertThat(new String(MemberRecordKeys.encode(-42), StandardCharsets.UTF_8)).isEqualTo("-42");
    assertThat(MemberRecordKeys.decode(MemberRecordKeys.encode(Long.MIN_VALUE))).isEqualTo(Long.MIN_VALUE);
    assertThat(MemberRecordKeys.parse("-42")).isEqualTo(-42);
    assertThatThrownBy(() -> MemberRecordKeys.parse("")).hasMessage("member id is empty");
    assertThatThrownBy(() -> MemberRecordKeys.decode(null)).hasMessage("member id is empty");
    assertThatThrownBy(() -> MemberRecordKeys.parse("4x")).hasMessage("member id '4x' is not a 64-bit integer");
    assertThatThrownBy(() -> MemberRecordKeys.parse("9".repeat(50))).hasMessageContaining("...' is not a 64-bit integer");
  }
}
