package dev.vigil.archive;

import com.google.protobuf.ByteString;
import dev.vigil.schemas.v1.RawRecord;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.DelegatingPositionOutputStream;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.SeekableInputStream;

/**
 * Writes and reads archive data files (Parquet, ZSTD) over plain streams and channels, so the Beam sink,
 * the replay source, the publisher and tests share one implementation whatever file system is underneath.
 */
public final class ArchiveFiles {
  private ArchiveFiles() {}

  /** Appends records to one data file; {@link #close()} writes the footer. */
  public static final class Writer implements Closeable {
    private final ParquetWriter<GenericRecord> parquet;
    private final GenericData.Record row = new GenericData.Record(ArchiveSchema.ROW);
    private long written;

    private Writer(ParquetWriter<GenericRecord> parquet) {
      this.parquet = parquet;
    }

    public void write(RawRecord raw, long eventTimeMs) throws IOException {
      row.put("topic", raw.getTopic());
      row.put("partition", raw.getPartition());
      row.put("offset", raw.getOffset());
      row.put("kafka_timestamp_ms", raw.getKafkaTimestampMs());
      row.put("event_time_ms", eventTimeMs);
      row.put("key", raw.getKey().asReadOnlyByteBuffer());
      row.put("value", raw.getHasValue() ? raw.getValue().asReadOnlyByteBuffer() : null);
      parquet.write(row);
      written++;
    }

    public long written() {
      return written;
    }

    @Override
    public void close() throws IOException {
      parquet.close();
    }
  }

  /** A writer onto {@code out}; {@link Writer#close()} finishes the file but leaves {@code out} open. */
  public static Writer writer(OutputStream out) throws IOException {
    return new Writer(AvroParquetWriter.<GenericRecord>builder(new StreamOutputFile(out))
        .withSchema(ArchiveSchema.ROW)
        .withConf(new PlainParquetConfiguration())
        .withCompressionCodec(CompressionCodecName.ZSTD)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .build());
  }

  /**
   * Calls {@code each} for every record of {@code file}, in file order. A file that is not an archive file,
   * or a row that cannot be decoded, ends the read with an {@link ArchiveFormatException} naming the row;
   * the records before it have been delivered.
   */
  public static long read(String name, SeekableByteChannel file, Consumer<ArchivedRecord> each) {
    long row = 0;
    try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(new ChannelInputFile(file), new PlainParquetConfiguration())
        .build()) {
      for (GenericRecord r = next(name, reader, row); r != null; r = next(name, reader, ++row)) {
        each.accept(decode(name, row, r));
      }
      return row;
    } catch (IOException e) {
      throw new ArchiveFormatException(name, -1, "cannot close: " + e.getMessage(), e);
    }
  }

  /** Reads only the coordinates (topic, partition, offset, event time) of every row: what a manifest needs. */
  public static ArchiveManifest.Builder summarize(String name, SeekableByteChannel file) {
    return summarize(name, file, t -> true);
  }

  /** As {@link #summarize(String, SeekableByteChannel)}, only the rows whose event time passes {@code eventTimes}. */
  public static ArchiveManifest.Builder summarize(String name, SeekableByteChannel file, java.util.function.LongPredicate eventTimes) {
    ArchiveManifest.Builder manifest = new ArchiveManifest.Builder();
    PlainParquetConfiguration conf = new PlainParquetConfiguration();
    conf.set(AvroReadSupport.AVRO_REQUESTED_PROJECTION, ArchiveSchema.COORDINATES.toString());
    long row = 0;
    try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(new ChannelInputFile(file), conf).build()) {
      for (GenericRecord r = next(name, reader, row); r != null; r = next(name, reader, ++row)) {
        long eventTime = (Long) r.get("event_time_ms");
        if (eventTimes.test(eventTime)) {
          manifest.add(r.get("topic").toString(), (Integer) r.get("partition"), (Long) r.get("offset"), eventTime);
        }
      }
      return manifest;
    } catch (IOException e) {
      throw new ArchiveFormatException(name, -1, "cannot close: " + e.getMessage(), e);
    }
  }

  public static long read(Path file, Consumer<ArchivedRecord> each) {
    try (SeekableByteChannel channel = java.nio.file.Files.newByteChannel(file, StandardOpenOption.READ)) {
      return read(file.toString(), channel, each);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static GenericRecord next(String name, ParquetReader<GenericRecord> reader, long row) {
    try {
      return reader.read();
    } catch (IOException | RuntimeException e) {
      throw new ArchiveFormatException(name, row == 0 ? -1 : row, "not a readable " + ArchiveSchema.FORMAT + " Parquet file: "
          + firstLine(e), e);
    }
  }

  private static ArchivedRecord decode(String name, long row, GenericRecord r) {
    try {
      ByteBuffer value = (ByteBuffer) r.get("value");
      RawRecord raw = RawRecord.newBuilder()
          .setTopic(r.get("topic").toString())
          .setPartition((Integer) r.get("partition"))
          .setOffset((Long) r.get("offset"))
          .setKafkaTimestampMs((Long) r.get("kafka_timestamp_ms"))
          .setKey(ByteString.copyFrom((ByteBuffer) r.get("key")))
          .setValue(value == null ? ByteString.EMPTY : ByteString.copyFrom(value))
          .setHasValue(value != null)
          .build();
      return new ArchivedRecord(raw, (Long) r.get("event_time_ms"));
    } catch (RuntimeException e) {
      throw new ArchiveFormatException(name, row, "row does not match " + ArchiveSchema.FORMAT + ": " + firstLine(e), e);
    }
  }

  private static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** Parquet's output abstraction over a stream that counts its position. */
  static final class StreamOutputFile implements OutputFile {
    private final OutputStream out;

    StreamOutputFile(OutputStream out) {
      this.out = out;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) {
      return new DelegatingPositionOutputStream(new CountingStream(out)) {
        @Override
        public long getPos() {
          return ((CountingStream) getStream()).count;
        }
      };
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }
  }

  private static final class CountingStream extends OutputStream {
    private final OutputStream out;
    long count;

    CountingStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.flush(); // the stream belongs to the caller (a Beam sink closes its own channel)
    }
  }

  /** Parquet's input abstraction over a seekable channel (a local file, or a Beam {@code ReadableFile}). */
  static final class ChannelInputFile implements InputFile {
    private final SeekableByteChannel channel;

    ChannelInputFile(SeekableByteChannel channel) {
      this.channel = channel;
    }

    @Override
    public long getLength() throws IOException {
      return channel.size();
    }

    @Override
    public SeekableInputStream newStream() {
      InputStream in = Channels.newInputStream(channel);
      return new DelegatingSeekableInputStream(in) {
        @Override
        public long getPos() throws IOException {
          return channel.position();
        }

        @Override
        public void seek(long newPos) throws IOException {
          channel.position(newPos);
        }

        @Override
        public void close() {
          // the channel belongs to the caller
        }
      };
    }
  }
}
