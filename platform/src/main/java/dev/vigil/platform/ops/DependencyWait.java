package dev.vigil.platform.ops;

import dev.vigil.core.console.CommandFailure;
import dev.vigil.core.console.ProgressLine;
import dev.vigil.schemas.config.KafkaClientSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Waits for what a job needs before it starts, saying what it waits for: a job started against a broker or
 * Flink master that is not (yet) there would otherwise sit silent for a minute inside KafkaIO or the Flink client
 * and then fail with a stack trace. Retries with exponential backoff (1 s doubling to 30 s) until the
 * dependency answers or {@code timeout} passes (zero: wait for ever); then fails in one line.
 */
public final class DependencyWait {
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
  private static final long MAX_BACKOFF_MS = 30_000;

  private DependencyWait() {}

  /**
   * A probe answers empty when the dependency is there, or why it is not. Each failed probe prints one line; the
   * last probe runs at the deadline, and the failure then names the last reason.
   */
  public static void await(String what, Supplier<Optional<String>> probe, Duration timeout) {
    long start = System.nanoTime();
    long backoffMs = 1_000;
    for (int attempt = 1; ; attempt++) {
      Optional<String> problem = probe.get();
      if (problem.isEmpty()) {
        if (attempt > 1) {
          ProgressLine.done();
          System.out.printf("%s answered after %d s%n", what, (System.nanoTime() - start) / 1_000_000_000L);
        }
        return;
      }
      long leftMs = timeout.isZero() ? Long.MAX_VALUE : timeout.toMillis() - (System.nanoTime() - start) / 1_000_000;
      if (leftMs <= 0) {
        ProgressLine.done();
        throw new CommandFailure(what + " did not answer within " + timeout.toSeconds() + " s: " + problem.get());
      }
      long sleepMs = Math.min(backoffMs, leftMs);
      ProgressLine.show(String.format("waiting for %s: %s (attempt %d, next in %d s)", what, problem.get(), attempt,
          Math.max(1, sleepMs / 1000)));
      try {
        Thread.sleep(sleepMs); // backoff between probes of an external service
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CommandFailure("interrupted while waiting for " + what, e);
      }
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    }
  }

  /** Whether the brokers of {@code kafka} answer a metadata request, with the operator's settings (security among them). */
  public static Optional<String> probeKafka(KafkaClientSettings kafka) {
    try (Admin admin = Admin.create(kafka.clientConfig(Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) PROBE_TIMEOUT.toMillis(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) PROBE_TIMEOUT.toMillis())))) {
      int nodes = admin.describeCluster().nodes().get(PROBE_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS).size();
      return nodes > 0 ? Optional.empty() : Optional.of("no broker in the cluster's metadata");
    } catch (TimeoutException e) {
      return Optional.of("no answer within " + PROBE_TIMEOUT.toSeconds() + " s");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return Optional.of(cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + firstLine(cause.getMessage())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    } catch (RuntimeException e) {
      return Optional.of(firstLine(String.valueOf(e.getMessage())));
    }
  }

  /** Whether something listens at {@code host:port} (a Flink master's REST endpoint). */
  public static Optional<String> probeTcp(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0) {
      return Optional.of("'" + hostPort + "' is not host:port");
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
          (int) PROBE_TIMEOUT.toMillis());
      return Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.of(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage())));
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
