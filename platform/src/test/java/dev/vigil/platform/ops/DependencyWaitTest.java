package dev.vigil.platform.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.console.CommandFailure;
import dev.vigil.schemas.config.KafkaClientSettings;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DependencyWaitTest {

  @Test
  void aDependencyThatComesUpIsWaitedFor() {
    AtomicInteger probes = new AtomicInteger();
    DependencyWait.await("the test service", () -> probes.incrementAndGet() < 3 ? Optional.of("not yet") : Optional.empty(),
        Duration.ofSeconds(30));
    assertThat(probes).hasValue(3);
  }

  @Test
  void oneThatNeverDoesFailsInOneLineNamingWhatAndWhy() {
    long start = System.nanoTime();
    AtomicInteger probes = new AtomicInteger();
    assertThatThrownBy(() -> DependencyWait.await("the test service", () -> {
      probes.incrementAndGet();
      return Optional.of("connection refused");
    }, Duration.ofSeconds(2)))
        .isInstanceOf(CommandFailure.class)
        .hasMessage("the test service did not answer within 2 s: connection refused");
    assertThat(probes).as("at 0 s, 1 s and at the deadline").hasValue(3);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void probesSayWhyNothingAnswers() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
      assertThat(DependencyWait.probeTcp("127.0.0.1:" + closedPort)).isEmpty();
    }
    assertThat(DependencyWait.probeTcp("127.0.0.1:" + closedPort)).get().asString().contains("ConnectException");
    assertThat(DependencyWait.probeTcp("no-port")).get().asString().contains("not host:port");
    assertThat(DependencyWait.probeKafka(KafkaClientSettings.of("127.0.0.1:" + closedPort))).isPresent();
  }
}
