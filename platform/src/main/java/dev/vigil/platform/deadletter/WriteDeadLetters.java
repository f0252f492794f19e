package dev.vigil.platform.deadletter;

import dev.vigil.platform.kafka.KafkaConnection;
import dev.vigil.platform.kafka.WriteKeyedRecords;
import dev.vigil.schemas.JsonLines;
import dev.vigil.schemas.v1.DeadLetter;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.extensions.protobuf.ProtoCoder;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Where a job's dead letters go, chosen once: the dead-letter topic (streaming) or JSON-lines files
 * (a batch replay, which must not mix its rejects into the live topic).
 */
public final class WriteDeadLetters extends PTransform<PCollectionList<DeadLetter>, PDone> {
  private final KafkaConnection kafka;
  private final String topic;
  private final String filePrefix;

  private WriteDeadLetters(KafkaConnection kafka, String topic, String filePrefix) {
    this.kafka = kafka;
    this.topic = topic;
    this.filePrefix = filePrefix;
  }

  public static WriteDeadLetters toTopic(KafkaConnection kafka, String topic) {
    return new WriteDeadLetters(kafka, topic, null);
  }

  /** {@code PREFIX-SSSSS-of-NNNNN.jsonl}, one {@code DeadLetter} per line ({@link JsonLines}). */
  public static WriteDeadLetters toFiles(String filePrefix) {
    return new WriteDeadLetters(null, null, filePrefix);
  }

  /** All of {@code letters} as one input. */
  public static PCollectionList<DeadLetter> all(List<PCollection<DeadLetter>> letters) {
    return PCollectionList.of(letters);
  }

  @Override
  public PDone expand(PCollectionList<DeadLetter> inputs) {
    // Steps reject records inside their own windows; the sink does not care, so all go to the global window.
    List<PCollection<DeadLetter>> global = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      global.add(inputs.get(i).apply("GlobalWindow" + i, Window.into(new GlobalWindows())));
    }
    PCollection<DeadLetter> letters = PCollectionList.of(global).apply("CollectDeadLetters", Flatten.pCollections())
        .setCoder(ProtoCoder.of(DeadLetter.class));
    if (filePrefix != null) {
      letters
          .apply("ToJsonLines", MapElements.into(TypeDescriptors.strings()).via((DeadLetter d) -> JsonLines.print(d)))
          .apply("WriteDeadLetterFiles", TextIO.write().to(filePrefix).withSuffix(".jsonl").withNumShards(1));
      return PDone.in(inputs.getPipeline());
    }
    return letters
        .apply("KeyDeadLetters", DeadLetters.toKeyedBytes())
        .apply("WriteDeadLetterTopic", WriteKeyedRecords.to(kafka, topic));
  }
}
