package dev.vigil.platform.aggregate;

import dev.vigil.core.aggregate.ShortWindowPanes;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CustomCoder;

/** Encodes one member-window's panes for keyed state: sketch size, pane bookkeeping, pending activity. */
public final class ShortWindowPanesCoder extends CustomCoder<ShortWindowPanes> {
  private static final long serialVersionUID = 1L;
  private static final MemberActivityAggregateCoder AGGREGATE = MemberActivityAggregateCoder.of();

  public static ShortWindowPanesCoder of() {
    return new ShortWindowPanesCoder();
  }

  @Override
  public void encode(ShortWindowPanes value, OutputStream outStream) throws IOException {
    DataOutputStream out = new DataOutputStream(outStream);
    out.writeInt(value.sketchK());
    out.writeBoolean(value.firedOnTime());
    out.writeLong(value.panesFired());
    out.flush();
    AGGREGATE.encode(value.pending(), outStream);
  }

  @Override
  public ShortWindowPanes decode(InputStream inStream) throws IOException {
    DataInputStream in = new DataInputStream(inStream);
    int sketchK = in.readInt();
    boolean firedOnTime = in.readBoolean();
    long panesFired = in.readLong();
    return ShortWindowPanes.restore(sketchK, AGGREGATE.decode(inStream), firedOnTime, panesFired);
  }

  @Override
  public void verifyDeterministic() {
    // Deterministic: fixed fields, then the aggregate's deterministic wire form.
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShortWindowPanesCoder;
  }

  @Override
  public int hashCode() {
    return ShortWindowPanesCoder.class.hashCode();
  }
}
