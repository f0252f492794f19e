package dev.vigil.loadtest.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Pins the exact seeded output of the legacy generator settings (the demo, the trainer and many tests
 * depend on it): the digests were computed with the generator as it was before the load-test traffic
 * (TrafficMix, partitions, account takeover, hot members, daily rhythm) came in. A change to any event,
 * persona, onset, malformed or health-check record of these settings changes a digest.
 */
class LegacyTrafficDigestTest {
  private static final long T0 = 1_700_000_000_000L;

  @Test
  void unstaggeredTrafficIsUnchanged() {
    assertThat(digest(new SyntheticActivityGenerator(7, 5_000, 0.02), 3))
        .isEqualTo("2b943b8bff84752064b629c5824dfc36ae5216143e6b67e08a567a320b351204");
  }

  @Test
  void staggeredTrafficIsUnchanged() {
    assertThat(digest(new SyntheticActivityGenerator(11, 2_000, 0.05).staggerAbuseOnsets(T0 + 10_000, 60_000), 7))
        .isEqualTo("4e62556a57ac636d500a88446078beac205c111c8522afb4f213900e09b045f6");
  }

  /**
   * The record sequence of {@code ActivityProducer.run}: which records are malformed, health checks or
   * valid, and their bytes, for given send times.
   */
  @Test
  void producerRecordSequenceIsUnchanged() {
    assertThat(producerDigest(new SyntheticActivityGenerator(42, 10_000, 0.01), 42, 0.01, 0.005))
        .isEqualTo("f356729d2a81b241c6650dd83fa83fcbbc6f90b13e1f37fd486ed999c0482f2d");
  }

  /** Events at {@code T0 + i * stepMs}, then every member's persona and onset, then malformed and health-check samples. */
  private static String digest(SyntheticActivityGenerator g, long stepMs) {
    return sha256(out -> {
      for (int i = 0; i < 20_000; i++) {
        g.next(T0 + i * stepMs).writeDelimitedTo(out);
      }
      for (long m = 1; m <= 5_000; m++) {
        out.writeUTF(g.persona(m).name());
        out.writeUTF(g.abuseType(m).name());
        out.writeLong(g.abuseOnsetMs(m));
      }
      for (int i = 0; i < 300; i++) {
        byte[] bad = g.malformed(T0 + i);
        out.writeInt(bad.length);
        out.write(bad);
        g.healthCheck(T0 + i).writeDelimitedTo(out);
      }
    });
  }

  /** ActivityProducer.run's records (its TrafficRecords), for send times {@code T0 + i}. */
  private static String producerDigest(SyntheticActivityGenerator g, long seed, double malformedFraction, double healthCheckFraction) {
    return sha256(out -> {
      TrafficRecords records = new TrafficRecords(g, seed ^ 0x5eed, malformedFraction, healthCheckFraction);
      for (int i = 0; i < 20_000; i++) {
        if (records.next(T0 + i) == TrafficRecords.Kind.MALFORMED) {
          out.writeInt(records.value().length);
          out.write(records.value());
        } else {
          assertThat(records.key()).asString().isEqualTo(Long.toString(records.event().getMemberId()));
          assertThat(records.value()).isEqualTo(records.event().toByteArray());
          records.event().writeDelimitedTo(out);
        }
      }
    });
  }

  interface Writes {
    void to(DataOutputStream out) throws IOException;
  }

  private static String sha256(Writes content) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      content.to(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
