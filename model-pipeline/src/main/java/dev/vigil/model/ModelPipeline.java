package dev.vigil.model;

import dev.vigil.platform.deadletter.WriteDeadLetters;
import dev.vigil.platform.io.RawActivitySource;
import dev.vigil.platform.kafka.KafkaConnection;
import dev.vigil.platform.ops.ForegroundJob;
import dev.vigil.platform.ops.JobStatusLine;
import dev.vigil.platform.options.OptionsFile;
import dev.vigil.platform.runner.StreamingJobDefaults;
import dev.vigil.schemas.v1.MemberActivityPartial;
import dev.vigil.schemas.v1.RawRecord;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * The model job: {@code vigil.activity.filtered} -> per-member event-time tiles -> one feature row per
 * member update (every window length) -> DJL scores, one verdict per row -> {@code vigil.scores}, the
 * store's real-time topic, offline files.
 */
public final class ModelPipeline {
  private ModelPipeline() {}

  /** Parses and validates flags; throws IllegalArgumentException with a one-line message. */
  public static ModelPipelineOptions parseOptions(String[] flags) {
    String[] args = OptionsFile.expand(flags);
    PipelineOptionsFactory.register(ModelPipelineOptions.class);
    ModelPipelineOptions options = PipelineOptionsFactory.fromArgs(args).withValidation().as(ModelPipelineOptions.class);
    ModelPipelineOptions.validate(options);
    StreamingJobDefaults.apply(options, args, "vigil-model");
    return options;
  }

  /** Event time of a filtered record: the start of the partial's short window (-1 when unreadable). */
  static long partialEventTime(byte[] value) {
    try {
      return MemberActivityPartial.parseFrom(value).getWindowStartMs();
    } catch (com.google.protobuf.InvalidProtocolBufferException | NullPointerException e) {
      return -1;
    }
  }

  /** What the job's one-line status shows when it runs in the foreground (counters of {@link JobStatusLine}). */
  public static final List<JobStatusLine.Figure> STATUS = List.of(
      JobStatusLine.Figure.of("partials", ModelMetrics.NAMESPACE, ModelMetrics.PARTIALS_READ),
      JobStatusLine.Figure.of("verdicts", ModelMetrics.NAMESPACE, ModelMetrics.SCORES_EMITTED),
      JobStatusLine.Figure.of("flagged", ModelMetrics.NAMESPACE, ModelMetrics.FLAGGED));

  /**
   * Waits for Kafka (and a cluster master), then runs the job: until it ends on the embedded cluster, with its
   * status line; submitted and returned from on a cluster master.
   */
  public static PipelineResult runInForeground(ModelPipelineOptions options) {
    return ForegroundJob.run(create(options), STATUS, options.getFilteredTopic());
  }

  /** The production graph: Kafka in, Kafka (and files) out. */
  public static Pipeline create(ModelPipelineOptions options) {
    Pipeline pipeline = Pipeline.create(options);
    PCollection<RawRecord> raw = pipeline.apply("ReadFilteredActivity", options.getProgressMarkers()
        ? RawActivitySource.kafkaFollowingProgressMarkers(options, options.getFilteredTopic(), ModelPipeline::partialEventTime)
        : RawActivitySource.kafka(options, options.getFilteredTopic(), ModelPipeline::partialEventTime)).get(RawActivitySource.RECORDS);
    PCollectionTuple parsed = raw.apply("ParsePartials", new ParsePartials());
    PCollectionTuple scored = parsed.get(ParsePartials.PARTIALS).apply("ScoreMemberActivity", ScoreMemberActivity.from(options));
    scored.get(ScoreMemberActivity.SCORES).apply("FanOutScores", new FanOutScores(options));
    WriteDeadLetters.all(List.of(parsed.get(ParsePartials.DEAD_LETTERS), scored.get(ScoreMemberActivity.DEAD_LETTERS)))
        .apply("WriteDeadLetters", WriteDeadLetters.toTopic(KafkaConnection.of(options), options.getDeadLetterTopic()));
    return pipeline;
  }

  /** Runs until killed. */
  public static void main(String[] args) {
    create(parseOptions(args)).run().waitUntilFinish();
  }
}
