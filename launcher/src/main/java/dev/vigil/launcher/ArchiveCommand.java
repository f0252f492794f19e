package dev.vigil.launcher;

import dev.vigil.replay.ArchivePipeline;
import dev.vigil.replay.ArchivePipelineOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

@Command(name = "archive", description = {
    "Run the archiving job streaming until stopped: vigil.activity.raw -> hourly Parquet files with offset manifests",
    "under --archive (default .vigil/archive), read back by 'vigil replay'.",
    "Takes Beam-style flags, e.g. --archive=DIR --bootstrapServers=localhost:9092. '--help' lists every flag."})
final class ArchiveCommand implements Callable<Integer> {

  @Unmatched
  List<String> beamArgs = new ArrayList<>();

  @Override
  public Integer call() {
    if (BeamFlags.wantsHelp(beamArgs)) {
      PipelineOptionsFactory.register(ArchivePipelineOptions.class);
      PipelineOptionsFactory.printHelp(System.out, ArchivePipelineOptions.class);
      return 0;
    }
    String[] args = BeamFlags.withRunnerDefaults(beamArgs);
    if (JobJarProcess.needed(args)) {
      return JobJarProcess.run("archive", args);
    }
    ArchivePipelineOptions options = ArchivePipeline.parseOptions(args);
    System.out.printf("Archiving job on %s: %s -> %s (consumer group %s), Kafka at %s. Ctrl-C stops it.%n",
        options.getRunner().getSimpleName(), options.getInputTopic(), options.getArchive(), options.getConsumerGroup(),
        options.getBootstrapServers());
    ArchivePipeline.runInForeground(options);
    return 0;
  }
}
