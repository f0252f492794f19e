package dev.vigil.launcher;

import dev.vigil.flink.cluster.FlinkRest;
import dev.vigil.flink.cluster.FlinkSessionCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --flink-master}: the cluster to talk to; by default the local session cluster of {@code vigil flink start}. */
final class FlinkMasterOption {
  @Option(names = "--flink-master", description = "Flink REST address host:port (default: the session cluster under "
      + FlinkCommand.DEFAULT_DIR + " if one runs, else 127.0.0.1:8081)")
  String master;

  FlinkRest rest() {
    if (master != null) {
      return new FlinkRest(master);
    }
    try {
      return new FlinkRest(FlinkSessionCluster.attach(Path.of(FlinkCommand.DEFAULT_DIR)).map(FlinkSessionCluster::master)
          .orElse("127.0.0.1:8081"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
