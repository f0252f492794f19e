package dev.vigil.replay;

import dev.vigil.core.extract.ActivityEventTime;
import dev.vigil.platform.archive.WriteArchive;
import dev.vigil.platform.io.RawActivitySource;
import dev.vigil.platform.kafka.ReadRawRecords;
import dev.vigil.platform.ops.ForegroundJob;
import dev.vigil.platform.ops.JobStatusLine;
import dev.vigil.platform.options.OptionsFile;
import dev.vigil.platform.runner.StreamingJobDefaults;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.joda.time.Duration;

/**
 * The archiving job: {@code vigil.activity.raw} -> hourly Parquet files with offset manifests
 * ({@link WriteArchive}), streaming, stamped with the same event time as the filter job's records. A replay
 * of the archive sees the same records at the same event times; what it does not repeat is the live job's
 * lateness (a batch has none), so records the live filter dropped as too late are counted in a replay.
 * Its own consumer group: it reads beside the filter.
 */
public final class ArchivePipeline {
  private ArchivePipeline() {}

  public static ArchivePipelineOptions parseOptions(String[] flags) {
    String[] args = OptionsFile.expand(flags);
    PipelineOptionsFactory.register(ArchivePipelineOptions.class);
    ArchivePipelineOptions options = PipelineOptionsFactory.fromArgs(args).withValidation().as(ArchivePipelineOptions.class);
    if (!StreamingJobDefaults.given(args, "--consumerGroup")) {
      options.setConsumerGroup(ArchivePipelineOptions.DEFAULT_CONSUMER_GROUP);
    }
    ArchivePipelineOptions.validate(options);
    StreamingJobDefaults.apply(options, args, "vigil-archive");
    return options;
  }

  /** What the job's one-line status shows when it runs in the foreground (counters of {@link JobStatusLine}). */
  public static final List<JobStatusLine.Figure> STATUS = List.of(
      JobStatusLine.Figure.of("read", ReadRawRecords.METRICS_NAMESPACE, ReadRawRecords.RECORDS_READ));

  /**
   * Waits for Kafka (and a cluster master), then runs the job: until it ends on the embedded cluster, with its
   * status line; submitted and returned from on a cluster master.
   */
  public static PipelineResult runInForeground(ArchivePipelineOptions options) {
    return ForegroundJob.run(create(options), STATUS, options.getInputTopic());
  }

  public static Pipeline create(ArchivePipelineOptions options) {
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply("ReadRawActivity", RawActivitySource.kafka(options, options.getInputTopic(), ActivityEventTime::millisOrMinusOne))
        .get(RawActivitySource.RECORDS)
        .apply("WriteArchive", new WriteArchive(Path.of(options.getArchive()).toAbsolutePath().toString(),
            Duration.standardMinutes(options.getArchiveAllowedLatenessMinutes()),
            Duration.millis(options.getArchiveLateFiringDelayMs()), options.getArchiveShards()));
    return pipeline;
  }
}
