package dev.vigil.platform.archive;

import dev.vigil.archive.ArchiveFiles;
import dev.vigil.archive.ArchiveLayout;
import dev.vigil.archive.ArchiveManifest;
import dev.vigil.schemas.v1.RawRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.extensions.protobuf.ProtoCoder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Archives raw records by event time: one hour folder per event-time hour ({@link ArchiveLayout}), a
 * Parquet file per pane and shard, and a manifest beside each file naming the Kafka offsets it holds.
 * The on-time pane of an hour is written when the watermark passes the hour's end; records arriving later
 * (within {@code allowedLateness}) go into further panes' files of the same hour, each with its manifest.
 * File names carry the run (when this transform was built), so a fresh start never overwrites an earlier
 * run's files; records it reads again are archived twice, and readers keep one of each.
 * Output: the manifests' paths.
 */
public final class WriteArchive extends PTransform<PCollection<RawRecord>, PCollection<String>> {
  private final String root;
  private final Duration allowedLateness;
  private final Duration lateFiringDelay;
  private final int shards;
  private final long runId = System.currentTimeMillis();

  public WriteArchive(String root, Duration allowedLateness, Duration lateFiringDelay, int shards) {
    this.root = root;
    this.allowedLateness = allowedLateness;
    this.lateFiringDelay = lateFiringDelay;
    this.shards = shards;
  }

  @Override
  public PCollection<String> expand(PCollection<RawRecord> raw) {
    return raw
        .apply("PairWithEventTime", ParDo.of(new DoFn<RawRecord, KV<Long, RawRecord>>() {
          @ProcessElement
          public void process(@Element RawRecord r, @Timestamp Instant eventTime, OutputReceiver<KV<Long, RawRecord>> out) {
            out.output(KV.of(eventTime.getMillis(), r));
          }
        }))
        .setCoder(KvCoder.of(VarLongCoder.of(), ProtoCoder.of(RawRecord.class)))
        .apply("HourWindows", Window.<KV<Long, RawRecord>>into(FixedWindows.of(Duration.millis(ArchiveLayout.HOUR_MS)))
            .triggering(AfterWatermark.pastEndOfWindow()
                .withLateFirings(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(lateFiringDelay)))
            .withAllowedLateness(allowedLateness)
            .discardingFiredPanes())
        .apply("WriteParquetFiles", FileIO.<KV<Long, RawRecord>>write()
            .via(new ParquetArchiveSink())
            .to(root)
            .withNaming(new HourNaming(runId))
            .withNumShards(shards))
        .getPerDestinationOutputFilenames()
        .apply("DataFiles", Values.create())
        .apply("WriteManifests", ParDo.of(new WriteManifestFn()));
  }

  /** {@code dt=.../hour=.../part-<pane>-<shard>-of-<n>.parquet}, from the window and pane alone. */
  static final class HourNaming implements FileIO.Write.FileNaming {
    private final long runId;

    HourNaming(long runId) {
      this.runId = runId;
    }

    @Override
    public String getFilename(BoundedWindow window, PaneInfo pane, int numShards, int shardIndex, Compression compression) {
      long hourStart = ((IntervalWindow) window).start().getMillis();
      return ArchiveLayout.hourFolder(hourStart) + "/" + ArchiveLayout.dataFileName(runId, pane.getIndex(), shardIndex, numShards);
    }
  }

  static final class ParquetArchiveSink implements FileIO.Sink<KV<Long, RawRecord>> {
    private transient ArchiveFiles.Writer writer;

    @Override
    public void open(WritableByteChannel channel) throws IOException {
      OutputStream out = Channels.newOutputStream(channel);
      writer = ArchiveFiles.writer(out);
    }

    @Override
    public void write(KV<Long, RawRecord> element) throws IOException {
      writer.write(element.getValue(), element.getKey());
    }

    @Override
    public void flush() throws IOException {
      writer.close();
    }
  }

  /** Reads back a finished data file's coordinates and writes its manifest beside it. */
  static final class WriteManifestFn extends DoFn<String, String> {
    @ProcessElement
    public void process(@Element String dataFile, OutputReceiver<String> out) throws IOException {
      ResourceId data = FileSystems.matchNewResource(dataFile, false);
      ArchiveManifest.Builder builder;
      try (SeekableByteChannel channel = seekable(FileSystems.open(data))) {
        builder = ArchiveFiles.summarize(dataFile, channel);
      }
      String name = data.getFilename();
      ArchiveManifest manifest = builder.build(name, System.currentTimeMillis());
      ResourceId target = data.getCurrentDirectory().resolve(ArchiveLayout.manifestNameFor(name), ResolveOptions.StandardResolveOptions.RESOLVE_FILE);
      // Written aside and renamed into place: a reader never sees half a manifest.
      ResourceId staging = data.getCurrentDirectory().resolve("." + ArchiveLayout.manifestNameFor(name) + ".tmp",
          ResolveOptions.StandardResolveOptions.RESOLVE_FILE);
      try (WritableByteChannel channel = FileSystems.create(staging, MimeTypes.TEXT)) {
        channel.write(ByteBuffer.wrap(manifest.toJson()));
      }
      FileSystems.rename(java.util.List.of(staging), java.util.List.of(target));
      out.output(target.toString());
    }
  }

  /** Local files open as seekable channels already; anything else is read into memory (files are an hour's pane). */
  static SeekableByteChannel seekable(ReadableByteChannel channel) throws IOException {
    if (channel instanceof SeekableByteChannel seekable) {
      return seekable;
    }
    try (channel) {
      return new SeekableInMemoryByteChannel(Channels.newInputStream(channel).readAllBytes());
    }
  }
}
