package dev.vigil.loadtest.traffic;

import dev.vigil.loadtest.traffic.SyntheticActivityGenerator.AbuseType;
import dev.vigil.loadtest.traffic.SyntheticActivityGenerator.Persona;
import dev.vigil.replay.AbuseLabels;
import dev.vigil.schemas.JsonLines;
import dev.vigil.schemas.v1.AbuseLabel;
import dev.vigil.schemas.v1.LabelKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * An abuser that produced traffic: its kind, persona and the timestamp of its first abusive event.
 *
 * <p>Written as the labels Vigil already reads ({@code AbuseLabel} JSON lines, {@link JsonLines}), so a
 * {@code ground-truth.jsonl} also feeds {@code ./vigil train --labels}: {@code memberId}, {@code kind} ABUSIVE,
 * {@code abuseType} = the kind's label, {@code fromMs} = start (open-ended), {@code source} =
 * {@code synthetic:<persona label>}.
 */
public record GroundTruth(long memberId, AbuseType kind, Persona persona, long startMs) {
  /** The usual file name in a run's output directory. */
  public static final String FILE_NAME = "ground-truth.jsonl";
  /** {@code AbuseLabel.source} of generator ground truth, followed by the persona's label. */
  public static final String SOURCE_PREFIX = "synthetic:";

  public GroundTruth {
    if (kind == null || kind == AbuseType.NONE || persona == null || persona.abuseType() != kind) {
      throw new IllegalArgumentException("ground truth of member " + memberId + " needs an abuse kind and a persona of it, got "
          + kind + " and " + persona);
    }
  }

  public AbuseLabel toLabel() {
    return AbuseLabel.newBuilder().setMemberId(memberId).setKind(LabelKind.ABUSIVE).setAbuseType(kind.label()).setFromMs(startMs)
        .setSource(SOURCE_PREFIX + persona.label()).build();
  }

  /** From a label written by {@link #toLabel}; IllegalArgumentException (one line) for any other label. */
  public static GroundTruth fromLabel(AbuseLabel label) {
    String source = label.getSource();
    if (label.getKind() != LabelKind.ABUSIVE || !source.startsWith(SOURCE_PREFIX)) {
      throw new IllegalArgumentException("not generator ground truth (kind " + label.getKind() + ", source '" + source + "')");
    }
    String persona = source.substring(SOURCE_PREFIX.length());
    return new GroundTruth(label.getMemberId(), byLabel(AbuseType.values(), AbuseType::label, label.getAbuseType(), "abuse type"),
        byLabel(Persona.values(), Persona::label, persona, "persona"), label.getFromMs());
  }

  private static <T> T byLabel(T[] values, java.util.function.Function<T, String> label, String wanted, String what) {
    return Arrays.stream(values).filter(v -> label.apply(v).equals(wanted)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown " + what + " '" + wanted + "'"));
  }

  public static void write(Path file, Collection<GroundTruth> truth) {
    AbuseLabels.write(file, truth.stream().map(GroundTruth::toLabel).toList());
  }

  /** Every line of a file {@link #write} wrote; a bad line is an IllegalArgumentException naming file and line. */
  public static List<GroundTruth> read(Path file) {
    List<GroundTruth> truth = new ArrayList<>();
    JsonLines.<AbuseLabel>forEach(file, AbuseLabel::newBuilder, label -> truth.add(fromLabel(label)));
    return truth;
  }
}
