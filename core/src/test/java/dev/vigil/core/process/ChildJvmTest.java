package dev.vigil.core.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ChildJvmTest {
  /** The tests run with pom.xml's argLine; ./vigil with config/jvm-flags. Both lists must be the same. */
  @Test
  void testJvmRunsWithTheLaunchersModuleFlags() throws IOException {
    assertThat(ChildJvm.moduleFlags())
        .containsExactlyInAnyOrderElementsOf(Files.readAllLines(Path.of("..", "config", "jvm-flags")).stream()
            .filter(line -> !line.isBlank()).toList());
  }
}
