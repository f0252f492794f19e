package dev.vigil.launcher;

import dev.vigil.loadtest.traffic.ActivityProducer;
import dev.vigil.schemas.VigilTopics;
import dev.vigil.schemas.config.KafkaClientSettings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "produce", mixinStandardHelpOptions = true,
    description = "Publish synthetic ActivityEvents (normal members and scrapers) to the raw topic.")
final class ProduceCommand implements Callable<Integer> {

  @Option(names = {"--bootstrap-servers", "--bootstrapServers"}, defaultValue = "localhost:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
  String bootstrapServers;

  @Option(names = {"--kafka-properties-file", "--kafkaPropertiesFile"}, paramLabel = "FILE",
      description = KafkaClientSettings.FILE_FLAG_DESCRIPTION)
  Path kafkaPropertiesFile;

  @Option(names = "--topic", defaultValue = VigilTopics.ACTIVITY_RAW, description = "Target topic (default: ${DEFAULT-VALUE})")
  String topic;

  @Option(names = "--count", defaultValue = "100000", description = "Records to send (default: ${DEFAULT-VALUE})")
  long count;

  @Option(names = "--rate", defaultValue = "10000", description = "Records per second, 0 = unthrottled (default: ${DEFAULT-VALUE})")
  int rate;

  @Option(names = "--members", defaultValue = "10000", description = "Distinct members (default: ${DEFAULT-VALUE})")
  int members;

  @Option(names = "--abusive-fraction", defaultValue = "0.01", description = "Share of members that scrape (default: ${DEFAULT-VALUE})")
  double abusiveFraction;

  @Option(names = "--malformed-fraction", defaultValue = "0.0", description = "Share of records that are malformed (default: ${DEFAULT-VALUE})")
  double malformedFraction;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed; the same seed gives the same traffic (default: ${DEFAULT-VALUE})")
  long seed;

  @Override
  public Integer call() {
    if (members < 1) {
      throw new IllegalArgumentException("--members must be >= 1, got " + members);
    }
    if (abusiveFraction < 0 || abusiveFraction > 1) {
      throw new IllegalArgumentException("--abusive-fraction must be in [0, 1], got " + abusiveFraction);
    }
    KafkaClientSettings kafka = KafkaClientSettings.fromEnvironment(kafkaPropertiesFile).withBootstrapServers(bootstrapServers);
    ActivityProducer.Settings settings = new ActivityProducer.Settings(kafka, topic, count, rate, members,
        abusiveFraction, malformedFraction, 0.0, seed);
    long started = System.nanoTime();
    ActivityProducer.Summary summary = ActivityProducer.run(settings, sent -> {
      double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
      System.out.printf("produce: %,d / %,d records (%,.0f/s)%n", sent, count, sent / seconds);
    });
    if (summary.acknowledged() < summary.total()) {
      System.err.printf("vigil produce: only %,d of %,d records were acknowledged by Kafka at %s%n", summary.acknowledged(), summary.total(),
          kafka.bootstrapServers());
      return 1;
    }
    System.out.printf("Sent %,d records to %s in %.1f s (all acknowledged): %,d valid, %,d malformed.%n",
        summary.total(), topic, summary.elapsedMs() / 1000.0, summary.valid(), summary.malformed());
    return 0;
  }
}
