package dev.vigil.launcher;

import dev.vigil.model.ModelPipeline;
import dev.vigil.model.ModelPipelineOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

@Command(name = "model", description = {
    "Run the model pipeline streaming until stopped: vigil.activity.filtered -> sliding windows -> features ->",
    "DJL scores -> vigil.scores and the store's real-time topic (+ offline files with --offlineOutput).",
    "Takes Beam-style flags, e.g. --runner=FlinkRunner --bootstrapServers=localhost:9092 --modelDir=models;",
    "without --modelDir it serves the built-in default bundle. '--help' lists every flag."})
final class ModelCommand implements Callable<Integer> {

  @Unmatched
  List<String> beamArgs = new ArrayList<>();

  @Override
  public Integer call() {
    if (BeamFlags.wantsHelp(beamArgs)) {
      PipelineOptionsFactory.register(ModelPipelineOptions.class);
      PipelineOptionsFactory.printHelp(System.out, ModelPipelineOptions.class);
      return 0;
    }
    String[] args = BeamFlags.withRunnerDefaults(beamArgs);
    if (JobJarProcess.needed(args)) {
      return JobJarProcess.run("model", args);
    }
    ModelPipelineOptions options = ModelPipeline.parseOptions(args);
    System.out.printf("Model pipeline on %s: %s -> windows %s -> %s%s, model %s, Kafka at %s. Ctrl-C stops it.%n",
        options.getRunner().getSimpleName(), options.getFilteredTopic(), options.getWindows(),
        options.getWriteScores() ? options.getScoresTopic() : "(no scores topic)",
        options.getWriteStore() ? " + " + options.getStoreTopic() : "",
        options.getModelDir().isEmpty() ? "(built-in default bundle)" : options.getModelDir(), options.getBootstrapServers());
    ModelPipeline.runInForeground(options);
    return 0;
  }
}
