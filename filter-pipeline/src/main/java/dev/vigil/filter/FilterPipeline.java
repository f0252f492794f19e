package dev.vigil.filter;

import dev.vigil.core.extract.ActivityEventTime;
import dev.vigil.core.rules.FilterRules;
import dev.vigil.core.rules.FilterRulesLoader;
import dev.vigil.platform.deadletter.WriteDeadLetters;
import dev.vigil.platform.io.RawActivitySource;
import dev.vigil.platform.kafka.KafkaConnection;
import dev.vigil.platform.kafka.ReadRawRecords;
import dev.vigil.platform.kafka.WriteWithProgressMarkers;
import dev.vigil.platform.ops.ForegroundJob;
import dev.vigil.platform.ops.JobStatusLine;
import dev.vigil.platform.options.KafkaPipelineOptions;
import dev.vigil.platform.options.OptionsFile;
import dev.vigil.platform.runner.StreamingJobDefaults;
import dev.vigil.schemas.MemberRecordKeys;
import dev.vigil.schemas.v1.DeadLetter;
import dev.vigil.schemas.v1.MemberActivityPartial;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * The filter job: {@code vigil.activity.raw} -> parse, rules, extract, pre-aggregate ->
 * {@code vigil.activity.filtered}, with rejects on {@code vigil.deadletter}.
 */
public final class FilterPipeline {
  private FilterPipeline() {}

  /** Parses and validates flags; throws IllegalArgumentException with a one-line message. */
  public static FilterPipelineOptions parseOptions(String[] flags) {
    String[] args = OptionsFile.expand(flags);
    PipelineOptionsFactory.register(FilterPipelineOptions.class);
    FilterPipelineOptions options = PipelineOptionsFactory.fromArgs(args).withValidation().as(FilterPipelineOptions.class);
    FilterPipelineOptions.validate(options);
    StreamingJobDefaults.apply(options, args, "vigil-filter");
    // Partials fire on the watermark; keep it moving past the DoFns chained behind the source (see there).
    StreamingJobDefaults.boundBundleSizeForWatermarks(options, args);
    return options;
  }

  public static FilterRules loadRules(FilterPipelineOptions options) {
    return options.getRulesFile().isEmpty() ? FilterRulesLoader.loadDefault() : FilterRulesLoader.load(Path.of(options.getRulesFile()));
  }

  /** What the job's one-line status shows when it runs in the foreground (counters of {@link JobStatusLine}). */
  public static final List<JobStatusLine.Figure> STATUS = List.of(
      JobStatusLine.Figure.of("read", ReadRawRecords.METRICS_NAMESPACE, ReadRawRecords.RECORDS_READ),
      JobStatusLine.Figure.of("partials", FilterMetrics.NAMESPACE, FilterMetrics.PARTIALS_EMITTED),
      JobStatusLine.Figure.of("dead letters", FilterMetrics.NAMESPACE, FilterMetrics.DEAD_LETTERS_PREFIX + "*"));

  /**
   * Waits for Kafka (and a cluster master), then runs the job: until it ends on the embedded cluster, with its
   * status line; submitted and returned from on a cluster master.
   */
  public static PipelineResult runInForeground(FilterPipelineOptions options) {
    return ForegroundJob.run(create(options), STATUS, options.getInputTopic());
  }

  /** The production graph: Kafka in, Kafka out. */
  public static Pipeline create(FilterPipelineOptions options) {
    FilterRules rules = loadRules(options);
    KafkaConnection kafka = KafkaConnection.of(options);
    Pipeline pipeline = Pipeline.create(options);
    PCollectionTuple raw = pipeline.apply("ReadRawActivity",
        RawActivitySource.kafka(options, options.getInputTopic(), ActivityEventTime::millisOrMinusOne));
    PCollectionTuple out = raw.get(RawActivitySource.RECORDS).apply("FilterActivity", filterActivity(options, rules));
    Duration window = Duration.standardSeconds(options.getWindowSeconds());
    out.get(FilterActivity.PARTIALS)
        .apply("KeyPartialsByMember", partialsAsKeyedBytes())
        // A partial is stamped at its window's end and read as its window's start; markers once a window.
        .apply("WriteFilteredActivity", WriteWithProgressMarkers.to(kafka, options.getOutputTopic(), window,
            window.minus(Duration.millis(1)), options.getHoldOutputsUntilCheckpoint() && StreamingJobDefaults.checkpointing(options)));
    List<PCollection<DeadLetter>> deadLetters = new ArrayList<>(RawActivitySource.deadLetters(raw));
    deadLetters.add(out.get(FilterActivity.DEAD_LETTERS));
    WriteDeadLetters.all(deadLetters)
        .apply("WriteDeadLetters", WriteDeadLetters.toTopic(kafka, options.getDeadLetterTopic()));
    return pipeline;
  }

  /** The filter job's whole logic with the options' settings: the same in the streaming job and a replay. */
  public static FilterActivity filterActivity(FilterPipelineOptions options, FilterRules rules) {
    return new FilterActivity(new FilterEvents(rules, KafkaPipelineOptions.eventTimeBounds(options)), PreAggregateMemberActivity.from(options));
  }

  /** Key: member id as a decimal string (the same convention as the raw topic); value: the partial. */
  public static PTransform<PCollection<MemberActivityPartial>, PCollection<KV<byte[], byte[]>>> partialsAsKeyedBytes() {
    return new PTransform<>() {
      @Override
      public PCollection<KV<byte[], byte[]>> expand(PCollection<MemberActivityPartial> input) {
        return input.apply("ToKeyedBytes", MapElements
                .into(TypeDescriptors.kvs(TypeDescriptor.of(byte[].class), TypeDescriptor.of(byte[].class)))
                .via((MemberActivityPartial p) ->
                    KV.of(MemberRecordKeys.encode(p.getMemberId()), p.toByteArray())))
            .setCoder(KvCoder.of(ByteArrayCoder.of(), ByteArrayCoder.of()));
      }
    };
  }

  /** Runs until killed. */
  public static void main(String[] args) {
    FilterPipelineOptions options = parseOptions(args);
    create(options).run().waitUntilFinish();
  }
}
