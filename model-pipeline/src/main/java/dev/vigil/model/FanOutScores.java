package dev.vigil.model;

import dev.vigil.platform.kafka.KafkaConnection;
import dev.vigil.platform.kafka.WriteKeyedRecords;
import dev.vigil.schemas.JsonLines;
import dev.vigil.schemas.MemberRecordKeys;
import dev.vigil.schemas.v1.AbuseScore;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * Sends every score to the sinks the options switch on: the scores topic and the store's real-time topic
 * (both: member id as a decimal string for key, {@code AbuseScore} bytes for value), and windowed
 * offline files of JSON lines.
 */
public final class FanOutScores extends PTransform<PCollection<AbuseScore>, PDone> {
  private final ModelPipelineOptions options;

  public FanOutScores(ModelPipelineOptions options) {
    this.options = options;
  }

  @Override
  public PDone expand(PCollection<AbuseScore> scores) {
    if (options.getWriteScores() || options.getWriteStore()) {
      PCollection<KV<byte[], byte[]>> keyed = scores.apply("KeyByMember", MapElements
              .into(TypeDescriptors.kvs(TypeDescriptor.of(byte[].class), TypeDescriptor.of(byte[].class)))
              .via((AbuseScore s) -> KV.of(MemberRecordKeys.encode(s.getMemberId()), s.toByteArray())))
          .setCoder(KvCoder.of(ByteArrayCoder.of(), ByteArrayCoder.of()));
      KafkaConnection kafka = KafkaConnection.of(options);
      if (options.getWriteScores()) {
        keyed.apply("WriteScoresTopic", WriteKeyedRecords.to(kafka, options.getScoresTopic()));
      }
      if (options.getWriteStore()) {
        keyed.apply("WriteStoreRealTimeTopic", WriteKeyedRecords.to(kafka, options.getStoreTopic()));
      }
    }
    if (!options.getOfflineOutput().isEmpty()) {
      scores
          .apply("OfflineFileWindows", Window.<AbuseScore>into(FixedWindows.of(Duration.standardMinutes(options.getOfflineWindowMinutes())))
              .triggering(AfterWatermark.pastEndOfWindow()
                  .withLateFirings(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(Duration.standardMinutes(1))))
              .withAllowedLateness(Duration.standardHours(1))
              .discardingFiredPanes())
          .apply("ToJsonLines", MapElements.into(TypeDescriptors.strings()).via(FanOutScores::json))
          .apply("WriteOfflineFiles", TextIO.write().to(options.getOfflineOutput()).withWindowedWrites().withNumShards(1)
              .withSuffix(".jsonl"));
    }
    return PDone.in(scores.getPipeline());
  }

  static String json(AbuseScore score) {
    return JsonLines.print(score);
  }
}
