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
import org.apache.beam.sdk.coders.CustomCoder;

/**
 * Encodes a member's timeline for the runner's state backend: bookkeeping, pending boundaries, then
 * each tile as level, start and the aggregate's wire form (a {@code MemberActivityPartial}). The layout
 * and lateness are the job's configuration, not state: a job restarted with other {@code --windows} reads
 * tiles of levels it no longer has as an error rather than silently misplacing them.
 */
public final class MemberTimelineCoder extends CustomCoder<MemberTimeline> {
  private static final long serialVersionUID = 1L;
  private static final int FORMAT = 1;

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
    out.writeLong(value.horizonMs());
    out.writeLong(value.lastEmittedAsOfMs());
    out.writeBoolean(value.changedSinceEmit());
    long[] pending = value.pendingBoundaries();
    out.writeInt(pending.length);
    for (long b : pending) {
      out.writeLong(b);
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
    if (format != FORMAT) {
      throw new IOException("unknown member timeline state format " + format);
    }
    long horizon = in.readLong();
    long lastEmitted = in.readLong();
    boolean changed = in.readBoolean();
    long[] pending = new long[in.readInt()];
    for (int i = 0; i < pending.length; i++) {
      pending[i] = in.readLong();
    }
    MemberTimeline timeline = MemberTimeline.restore(layout, allowedLatenessMs, horizon, lastEmitted, changed, pending);
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
