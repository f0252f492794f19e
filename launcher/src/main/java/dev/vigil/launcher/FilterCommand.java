package dev.vigil.launcher;

import dev.vigil.filter.FilterPipeline;
import dev.vigil.filter.FilterPipelineOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

@Command(name = "filter", description = {
    "Run the filter pipeline streaming until stopped: vigil.activity.raw -> vigil.activity.filtered (+ vigil.deadletter).",
    "Takes Beam-style flags, e.g. --runner=FlinkRunner --flinkMaster=[local] --bootstrapServers=localhost:9092",
    "--rulesFile=config/filter-rules.yaml. '--help' lists every flag."})
final class FilterCommand implements Callable<Integer> {

  @Unmatched
  List<String> beamArgs = new ArrayList<>();

  @Override
  public Integer call() {
    if (BeamFlags.wantsHelp(beamArgs)) {
      PipelineOptionsFactory.register(FilterPipelineOptions.class);
      PipelineOptionsFactory.printHelp(System.out, FilterPipelineOptions.class);
      return 0;
    }
    String[] args = BeamFlags.withRunnerDefaults(beamArgs);
    if (JobJarProcess.needed(args)) {
      return JobJarProcess.run("filter", args);
    }
    FilterPipelineOptions options = FilterPipeline.parseOptions(args);
    System.out.printf("Filter pipeline on %s: %s -> %s (dead letters: %s), Kafka at %s. Ctrl-C stops it.%n",
        options.getRunner().getSimpleName(), options.getInputTopic(), options.getOutputTopic(),
        options.getDeadLetterTopic(), options.getBootstrapServers());
    FilterPipeline.runInForeground(options);
    return 0;
  }
}
