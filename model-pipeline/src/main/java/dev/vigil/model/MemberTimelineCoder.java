package dev.vigil.model;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.core.tiles.MemberTimeline;
import dev.vigil.core.tiles.TileLayout;
import dev.vigil.schemas.v1.MemberActivityPartial;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.CustomCoder;

/**
 * Encodes a member's timeline for the runner's state backend: its bookkeeping (horizon, pending and final
 * boundaries, the last pane index per short window), then
 * each tile as level, start and the aggregate's wire form (a {@code MemberActivityPartial}). The layout
 * and lateness are the job's configuration, not state: a job restarted with other {@code --windows} reads
 * tiles of levels it no longer has as an error rather than silently misplacing them.
 */
public final class MemberTimelineCoder extends CustomCoder<MemberTimeline> {
  private static final long serialVersionUID = 1L;
  /**
   * 2 added the final boundaries late data can still change and the last pane index per short window; state of
   * format 1 still reads (as a timeline with neither).
   */
  private static final int FORMAT = 2;

  private final TileLayout layout;
  private final long allowedLatenessMs;

  public MemberTimelineCoder(TileLayout layout, long allowedLatenessMs) {
    this.layout = layout;
    this.allowedLatenessMs = allowedLatenessMs;
  }

  @Override
  public void encode(MemberTimeline value, OutputStream outStream) throws IOException {
    DataOutputStream out = new DataOutputStream(outStream);
    out.writeByte(FORMAT);
    MemberTimeline.Bookkeeping b = value.bookkeeping();
    out.writeLong(b.horizonMs());
    out.writeLong(b.lastEmittedAsOfMs());
    out.writeBoolean(b.changedSinceEmit());
    writeLongs(out, b.pendingBoundaries());
    writeLongs(out, b.finalBoundaries());
    writeLongs(out, b.lateChangedBoundaries());
    out.writeInt(b.lastPaneByWindow().size());
    for (Map.Entry<Long, Long> e : b.lastPaneByWindow().entrySet()) {
      out.writeLong(e.getKey());
      out.writeLong(e.getValue());
    }
    out.writeInt(value.tiles().tileCount());
    IOException[] failure = new IOException[1];
    value.tiles().forEachTile((level, start, activity) -> {
      if (failure[0] != null) {
        return;
      }
      try {
        out.writeByte(level);
        out.writeLong(start);
        byte[] bytes = activity.toPartial().build().toByteArray();
        out.writeInt(bytes.length);
        out.write(bytes);
      } catch (IOException e) {
        failure[0] = e;
      }
    });
    if (failure[0] != null) {
      throw failure[0];
    }
    out.flush();
  }

  @Override
  public MemberTimeline decode(InputStream inStream) throws IOException {
    DataInputStream in = new DataInputStream(inStream);
    int format = in.readByte();
    if (format != FORMAT && format != 1) {
      throw new IOException("unknown member timeline state format " + format);
    }
    long horizon = in.readLong();
    long lastEmitted = in.readLong();
    boolean changed = in.readBoolean();
    long[] pending = readLongs(in);
    long[] finalBoundaries = format >= 2 ? readLongs(in) : new long[0];
    long[] lateChanged = format >= 2 ? readLongs(in) : new long[0];
    Map<Long, Long> lastPanes = new TreeMap<>();
    if (format >= 2) {
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        lastPanes.put(in.readLong(), in.readLong());
      }
    }
    MemberTimeline timeline = MemberTimeline.restore(layout, allowedLatenessMs,
        new MemberTimeline.Bookkeeping(horizon, lastEmitted, changed, pending, finalBoundaries, lateChanged, lastPanes));
    int tiles = in.readInt();
    for (int i = 0; i < tiles; i++) {
      int level = in.readByte();
      if (level >= layout.levelCount()) {
        throw new IOException("stored tile of level " + level + " but " + layout + " has " + layout.levelCount() + " levels");
      }
      long start = in.readLong();
      byte[] bytes = new byte[in.readInt()];
      in.readFully(bytes);
      timeline.tiles().restoreTile(level, start, MemberActivityAggregate.fromPartial(MemberActivityPartial.parseFrom(bytes)));
    }
    return timeline;
  }

  private static void writeLongs(DataOutputStream out, long[] values) throws IOException {
    out.writeInt(values.length);
    for (long v : values) {
      out.writeLong(v);
    }
  }

  private static long[] readLongs(DataInputStream in) throws IOException {
    long[] values = new long[in.readInt()];
    for (int i = 0; i < values.length; i++) {
      values[i] = in.readLong();
    }
    return values;
  }

  @Override
  public void verifyDeterministic() {
    // Deterministic: fields in fixed order, tiles in level and start order.
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MemberTimelineCoder other && other.layout.equals(layout) && other.allowedLatenessMs == allowedLatenessMs;
  }

  @Override
  public int hashCode() {
    return layout.hashCode() * 31 + Long.hashCode(allowedLatenessMs);
  }
}
