package dev.vigil.schemas;

import com.google.protobuf.Descriptors.FileDescriptor;
import dev.vigil.schemas.v1.ActivityProto;
import dev.vigil.schemas.v1.ArchiveProto;
import dev.vigil.schemas.v1.DeadLetterProto;
import dev.vigil.schemas.v1.FilteredProto;
import dev.vigil.schemas.v1.ScoringProto;
import java.util.List;

/** The {@code vigil.v1} proto files, as compiled into this module. */
public final class VigilSchemas {
  private VigilSchemas() {}

  /** Every file of the wire contract; the compatibility baseline covers exactly these. */
  public static List<FileDescriptor> files() {
    return List.of(
        ActivityProto.getDescriptor(),
        FilteredProto.getDescriptor(),
        DeadLetterProto.getDescriptor(),
        ScoringProto.getDescriptor(),
        ArchiveProto.getDescriptor());
  }
}
