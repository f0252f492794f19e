package dev.vigil.launcher;

import dev.vigil.loadtest.harness.LoadTest;
import dev.vigil.loadtest.harness.LoadTestReport;
import dev.vigil.loadtest.harness.LoadTestSettings;
import dev.vigil.loadtest.harness.ReportFiles;
import dev.vigil.schemas.config.KafkaClientSettings;
import dev.vigil.store.cli.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "loadtest", mixinStandardHelpOptions = true, description = {
    "Drive the whole platform with synthetic traffic with ground truth: a broker, the score store and the filter",
    "and model jobs each in a process of its own, a warm-up, the main traffic, a drain; then report throughput",
    "and CPU per stage, consumer lag, end-to-end latency, detection quality per abuse kind and a projection to",
    "3 million events/s into DIR/report.json and DIR/report.html."})
final class LoadTestCommand implements Callable<Integer> {

  @Option(names = "--duration", defaultValue = "60s", converter = Durations.class,
      description = "How long the main traffic flows, after the warm-up (default: ${DEFAULT-VALUE})")
  Duration duration;

  @Option(names = "--events", defaultValue = "0", description = "Stop the main traffic after this many records, 0 = no limit (default: ${DEFAULT-VALUE})")
  long events;

  @Option(names = "--rate", defaultValue = "5000", description = "Target records per second (default: ${DEFAULT-VALUE})")
  int rate;

  @Option(names = "--shape", defaultValue = "constant",
      description = "constant, ramp (0 to --rate over the duration) or spike (half --rate, --rate for the middle 10 %%) (default: ${DEFAULT-VALUE})")
  String shape;

  @Option(names = "--producer-threads", defaultValue = "2", description = "Generator threads (default: ${DEFAULT-VALUE})")
  int producerThreads;

  @Option(names = "--members", defaultValue = "20000", description = "Member population (default: ${DEFAULT-VALUE})")
  int members;

  @Option(names = "--abusive-fraction", defaultValue = "0.01", description = "Share of abusive members (default: ${DEFAULT-VALUE})")
  double abusiveFraction;

  @Option(names = "--hot-members", defaultValue = "0", description = "Members who produce --hot-member-share of all traffic (default: ${DEFAULT-VALUE})")
  int hotMembers;

  @Option(names = "--hot-member-share", defaultValue = "0", description = "Share of traffic of the hot members (default: ${DEFAULT-VALUE})")
  double hotMemberShare;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed; the same seed gives the same traffic (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--malformed-fraction", defaultValue = "0.001", description = "Share of malformed records (default: ${DEFAULT-VALUE})")
  double malformedFraction;

  @Option(names = "--out", description = "Report directory (default: .vigil/loadtest/<date-time>)")
  Path out;

  @Option(names = "--bootstrap-servers", description = "Use this Kafka cluster (its Vigil topics must exist) instead of starting a broker")
  String bootstrapServers;

  @Option(names = "--kafka-properties-file", paramLabel = "FILE", description = KafkaClientSettings.FILE_FLAG_DESCRIPTION
      + " For the cluster of --bootstrap-servers; the jobs, the store and the generator all get it")
  private Path kafkaPropertiesFile;

  @Option(names = "--partitions", defaultValue = "4", description = "Partitions per topic of the broker started here (default: ${DEFAULT-VALUE})")
  int partitions;

  @Option(names = "--flink-master", defaultValue = "[local]",
      description = "[local]: each job on embedded Flink in a JVM of its own; host:port: submit both to that cluster (default: ${DEFAULT-VALUE})")
  String flinkMaster;

  @Option(names = "--parallelism", defaultValue = "2", description = "Parallelism of each job (default: ${DEFAULT-VALUE})")
  int parallelism;

  @Option(names = "--warm-up-timeout", defaultValue = "180s", converter = Durations.class,
      description = "Give up if the pipelines write no verdict within this much warm-up traffic (default: ${DEFAULT-VALUE})")
  Duration warmUpTimeout;

  @Option(names = "--drain-timeout", defaultValue = "90s", converter = Durations.class,
      description = "After the traffic, wait this long at most for the pipelines to handle it (default: ${DEFAULT-VALUE})")
  Duration drainTimeout;

  @Option(names = "--latency-sample-every", defaultValue = "10",
      description = "Follow every n-th valid event for its end-to-end latency (default: ${DEFAULT-VALUE})")
  int latencySampleEvery;

  @Option(names = "--job-flag", paramLabel = "FLAG",
      description = "A Beam flag for both jobs, e.g. --job-flag=--checkpointingInterval=-1 (repeatable)")
  List<String> jobFlags = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Path dir = out != null ? out : Path.of(".vigil", "loadtest", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    for (String flag : jobFlags) {
      if (!flag.startsWith("--")) {
        throw new IllegalArgumentException("--job-flag takes a Beam flag such as --checkpointingInterval=-1, got '" + flag + "'");
      }
    }
    LoadTestSettings settings = new LoadTestSettings(duration, events, rate, shape, producerThreads, members, abusiveFraction,
        hotMembers, hotMemberShare, seed, malformedFraction, dir, bootstrapServers, kafkaPropertiesFile, partitions, flinkMaster, parallelism,
        warmUpTimeout, drainTimeout, latencySampleEvery, jobFlags);
    LoadTestReport report = LoadTest.run(settings);
    System.out.println();
    report.goals().forEach(g -> System.out.printf("  %-58s %-12s %-36s %s%n", g.goal(), g.target(), g.measured(),
        g.met() == null ? "cannot tell" : g.met() ? "met" : "not met"));
    System.out.printf("%nReport: %s and %s%n", dir.resolve(ReportFiles.JSON), dir.resolve(ReportFiles.HTML));
    return 0;
  }
}
