package dev.vigil.replay;

import dev.vigil.schemas.JsonLines;
import dev.vigil.schemas.v1.AbuseLabel;
import dev.vigil.schemas.v1.LabelKind;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Labels per member from {@code AbuseLabel} JSON lines: replay labels, analyst labels, ground truth. Files
 * are joined in order: a member named by a later file takes that file's labels only (so ground truth or an
 * analyst's judgement overrides what a replay concluded).
 */
public final class AbuseLabels {
  private final Map<Long, List<AbuseLabel>> byMember;

  private AbuseLabels(Map<Long, List<AbuseLabel>> byMember) {
    this.byMember = byMember;
  }

  public static AbuseLabels read(List<Path> files) {
    Map<Long, List<AbuseLabel>> joined = new HashMap<>();
    for (Path file : files) {
      Map<Long, List<AbuseLabel>> inFile = new HashMap<>();
      JsonLines.<AbuseLabel>forEach(file, AbuseLabel::newBuilder, label -> {
        if (label.getMemberId() == 0 || label.getKind() == LabelKind.LABEL_KIND_UNSPECIFIED) {
          throw new IllegalArgumentException("a label needs memberId and kind (BENIGN or ABUSIVE)");
        }
        inFile.computeIfAbsent(label.getMemberId(), m -> new ArrayList<>()).add(label);
      });
      joined.putAll(inFile);
    }
    return new AbuseLabels(joined);
  }

  /**
   * The member's label at {@code timeMs}: ABUSIVE if an abusive label covers it (a zero {@code to_ms} is
   * open-ended), else BENIGN if a benign one does, else null (unlabelled).
   */
  public LabelKind at(long memberId, long timeMs) {
    LabelKind found = null;
    for (AbuseLabel l : byMember.getOrDefault(memberId, List.of())) {
      boolean covers = timeMs >= l.getFromMs() && (l.getToMs() == 0 || timeMs <= l.getToMs());
      if (covers && l.getKind() == LabelKind.ABUSIVE) {
        return LabelKind.ABUSIVE;
      }
      if (covers) {
        found = LabelKind.BENIGN;
      }
    }
    return found;
  }

  public int members() {
    return byMember.size();
  }

  public static void write(Path file, Collection<AbuseLabel> labels) {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (AbuseLabel l : labels) {
        out.write(JsonLines.print(l));
        out.newLine();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
