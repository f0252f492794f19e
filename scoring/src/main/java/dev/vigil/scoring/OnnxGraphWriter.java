package dev.vigil.scoring;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a small ONNX model ({@code ModelProto}, IR version 8, default opset 13) straight to protobuf wire
 * format: float inputs, float initializers, single-output nodes without attributes, one float output.
 * That subset is all the project's exported models need, and hand-encoding it avoids compiling the whole
 * {@code onnx.proto}. Field numbers follow onnx/onnx.proto.
 */
final class OnnxGraphWriter {
  static final long IR_VERSION = 8;
  static final long OPSET = 13;
  private static final int FLOAT = 1; // TensorProto.DataType.FLOAT

  private final String graphName;
  private final List<byte[]> nodes = new ArrayList<>();
  private final List<byte[]> initializers = new ArrayList<>();
  private final List<byte[]> inputs = new ArrayList<>();
  private final List<byte[]> outputs = new ArrayList<>();

  OnnxGraphWriter(String graphName) {
    this.graphName = graphName;
  }

  /** A float graph input; a negative dimension is symbolic (named {@code batch}). */
  OnnxGraphWriter input(String name, long... dims) {
    inputs.add(valueInfo(name, dims));
    return this;
  }

  OnnxGraphWriter output(String name, long... dims) {
    outputs.add(valueInfo(name, dims));
    return this;
  }

  /** A constant float tensor with the given shape, row-major. */
  OnnxGraphWriter initializer(String name, float[] values, long... dims) {
    long size = 1;
    for (long d : dims) {
      size *= d;
    }
    if (size != values.length) {
      throw new IllegalArgumentException(name + ": " + values.length + " values for shape of size " + size);
    }
    initializers.add(message(out -> {
      for (long d : dims) {
        out.writeInt64(1, d);
      }
      out.writeInt32(2, FLOAT);
      out.writeString(8, name);
      ByteString.Output raw = ByteString.newOutput(values.length * 4);
      CodedOutputStream rawOut = CodedOutputStream.newInstance(raw);
      for (float v : values) {
        rawOut.writeFloatNoTag(v); // little-endian IEEE 754, as ONNX raw_data requires
      }
      rawOut.flush();
      out.writeBytes(9, raw.toByteString());
    }));
    return this;
  }

  OnnxGraphWriter node(String opType, String output, String... inputNames) {
    nodes.add(message(out -> {
      for (String in : inputNames) {
        out.writeString(1, in);
      }
      out.writeString(2, output);
      out.writeString(3, output + "_" + opType.toLowerCase());
      out.writeString(4, opType);
    }));
    return this;
  }

  /** The serialized {@code ModelProto}. */
  byte[] toModel(String producer, String docString) {
    byte[] graph = message(out -> {
      for (byte[] n : nodes) {
        out.writeByteArray(1, n);
      }
      out.writeString(2, graphName);
      for (byte[] t : initializers) {
        out.writeByteArray(5, t);
      }
      for (byte[] i : inputs) {
        out.writeByteArray(11, i);
      }
      for (byte[] o : outputs) {
        out.writeByteArray(12, o);
      }
    });
    byte[] opset = message(out -> out.writeInt64(2, OPSET)); // domain "" = the default ai.onnx domain
    return message(out -> {
      out.writeInt64(1, IR_VERSION);
      out.writeString(2, producer);
      out.writeString(6, docString);
      out.writeByteArray(7, graph);
      out.writeByteArray(8, opset);
    });
  }

  private static byte[] valueInfo(String name, long... dims) {
    byte[] shape = message(out -> {
      for (long d : dims) {
        out.writeByteArray(1, message(dim -> {
          if (d < 0) {
            dim.writeString(2, "batch");
          } else {
            dim.writeInt64(1, d);
          }
        }));
      }
    });
    byte[] tensorType = message(out -> {
      out.writeInt32(1, FLOAT);
      out.writeByteArray(2, shape);
    });
    byte[] type = message(out -> out.writeByteArray(1, tensorType));
    return message(out -> {
      out.writeString(1, name);
      out.writeByteArray(2, type);
    });
  }

  private interface Fields {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] message(Fields fields) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      fields.write(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in-memory stream: cannot happen
    }
    return bytes.toByteArray();
  }
}
