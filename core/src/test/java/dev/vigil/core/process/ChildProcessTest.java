package dev.vigil.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.console.CommandFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {
  private static final Pattern READY = Pattern.compile("ready on (\\d+)");

  @TempDir
  Path dir;

  private static ProcessBuilder sh(String script) {
    return new ProcessBuilder("/bin/sh", "-c", script);
  }

  @Test
  void readyLineGivesItsGroupOutputGoesToTheLogAndStopEndsItAndItsChildren() throws Exception {
    Path log = dir.resolve("logs").resolve("child.log");
    try (ChildProcess child = ChildProcess.start("child", sh("sleep 600 & echo starting >&2; echo ready on 4242; wait"), log, READY)) {
      assertThat(child.awaitReady(Duration.ofSeconds(30))).isEqualTo("4242");
      assertThat(child.alive()).isTrue();
      long sleeper = ProcessHandle.of(child.pid()).orElseThrow().descendants().findFirst().orElseThrow().pid();
      child.stop();
      assertThat(child.alive()).isFalse();
      assertThat(ProcessHandle.of(sleeper).map(ProcessHandle::isAlive)).as("its child").isNotEqualTo(java.util.Optional.of(true));
      assertThat(child.output()).isEqualTo("starting\nready on 4242\n");
      assertThat(child.lastLine()).isEqualTo("ready on 4242");
      assertThat(Files.readAllLines(log)).containsExactly("starting", "ready on 4242");
    }
  }

  @Test
  void exitingBeforeReadyOrTakingTooLongFailsInOneLineWithTheLastLine() throws Exception {
    try (ChildProcess quits = ChildProcess.start("broker", sh("echo port 9092 in use; exit 1"), null, READY)) {
      assertThatThrownBy(() -> quits.awaitReady(Duration.ofSeconds(30))).isInstanceOf(CommandFailure.class)
          .hasMessage("broker exited before it was ready (port 9092 in use)");
    }
    Path log = dir.resolve("slow.log");
    try (ChildProcess slow = ChildProcess.start("store", sh("echo opening; sleep 600"), log, READY)) {
      assertThatThrownBy(() -> slow.awaitReady(Duration.ofSeconds(1))).isInstanceOf(CommandFailure.class)
          .hasMessage("store was not ready within 1 s (last line: opening); its log: " + log);
    }
  }

  @Test
  void killEndsItAtOnce() throws Exception {
    try (ChildProcess child = ChildProcess.start("child", sh("trap '' TERM; echo ready on 1; exec sleep 600"), null, READY)) {
      child.awaitReady(Duration.ofSeconds(30));
      child.kill();
      assertThat(child.alive()).isFalse();
    }
  }
}
