package dev.vigil.platform.aggregate;

import dev.vigil.core.aggregate.MemberActivityAggregate;
import dev.vigil.schemas.v1.MemberActivityPartial;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CustomCoder;

/** Encodes the combine accumulator through its wire form, which round-trips it exactly. */
public final class MemberActivityAggregateCoder extends CustomCoder<MemberActivityAggregate> {
  private static final long serialVersionUID = 1L;
  private static final ByteArrayCoder BYTES = ByteArrayCoder.of();

  public static MemberActivityAggregateCoder of() {
    return new MemberActivityAggregateCoder();
  }

  @Override
  public void encode(MemberActivityAggregate value, OutputStream out) throws IOException {
    BYTES.encode(value.toPartial().build().toByteArray(), out);
  }

  @Override
  public MemberActivityAggregate decode(InputStream in) throws IOException {
    return MemberActivityAggregate.fromPartial(MemberActivityPartial.parseFrom(BYTES.decode(in)));
  }

  @Override
  public void verifyDeterministic() {
    // Deterministic: proto fields are written in number order, lists sorted.
  }
}
