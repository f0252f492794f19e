package dev.vigil.launcher;

import dev.vigil.flink.cluster.FlinkRest;
import dev.vigil.platform.ops.ConsumerGroupLag;
import dev.vigil.platform.ops.JobStatusLine;
import dev.vigil.schemas.config.KafkaClientSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true, description = {
    "For each job running on the Flink cluster: its state, uptime, last completed checkpoint (and the one it",
    "restored from), and its consumer group's lag on its input topic, per partition."})
final class StatusCommand implements Callable<Integer> {
  @Mixin
  FlinkMasterOption flink;

  @Option(names = "--kafka-properties-file", paramLabel = "FILE", description = KafkaClientSettings.FILE_FLAG_DESCRIPTION)
  Path kafkaPropertiesFile;

  @Override
  public Integer call() {
    // Before Flink is asked anything: a bad file is one line whether or not jobs run.
    KafkaClientSettings kafka = KafkaClientSettings.fromEnvironment(kafkaPropertiesFile);
    FlinkRest rest = flink.rest();
    List<FlinkRest.Job> active = rest.jobs().stream().filter(j -> !List.of("FINISHED", "CANCELED", "FAILED").contains(j.state()))
        .sorted((a, b) -> a.name().compareTo(b.name())).toList();
    System.out.printf("Flink at %s: %d job(s) running%n", rest.master(), active.size());
    for (FlinkRest.Job job : active) {
      FlinkRest.Checkpoints c = rest.checkpoints(job.id());
      System.out.printf("%s  %s  up %s  (%s)%n", job.name(), job.state(), age(job.startTimeMs()), job.id());
      System.out.printf("  checkpoints: %d completed, %d failed; last %s%s%n", c.completed(), c.failed(),
          c.latestId().map(id -> "#" + id + " " + age(c.latestAtMs().orElse(0L)) + " ago, " + c.latestSizeBytes().orElse(0L) / 1024 + " KiB")
              .orElse("none yet"),
          c.restoredFromId().map(id -> "; restored from #" + id).orElse(""));
      System.out.println("  " + lag(rest.userConfig(job.id()), kafka));
    }
    return 0;
  }

  /**
   * The job's consumer-group lag on its input topic, from the pipeline options Beam records in the job's configuration,
   * asked with the operator's Kafka settings {@code kafka}.
   */
  static String lag(Map<String, String> options, KafkaClientSettings kafka) {
    String servers = options.get("bootstrapServers");
    String group = options.get("consumerGroup");
    String topic = options.getOrDefault("inputTopic", options.get("filteredTopic"));
    if (servers == null || group == null || topic == null) {
      return "lag: unknown (the job's options do not name its brokers, group and input topic)";
    }
    try {
      ConsumerGroupLag lag = ConsumerGroupLag.read(kafka.withBootstrapServers(servers), group, topic);
      List<String> perPartition = new ArrayList<>();
      lag.perPartition().forEach((partition, n) -> perPartition.add(partition + ":" + n
          + (lag.committed().get(partition) ? "" : " (no commit yet)")));
      return String.format("lag of group %s on %s: %d (%s); offsets are committed with checkpoints", group, topic, lag.total(),
          String.join(", ", perPartition));
    } catch (Exception e) {
      // Kafka's own messages (an authentication failure, a timeout) name no setting's value.
      return "lag: Kafka at " + servers + " did not answer (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
    }
  }

  private static String age(long sinceMs) {
    return JobStatusLine.elapsed(System.currentTimeMillis() - sinceMs);
  }
}
