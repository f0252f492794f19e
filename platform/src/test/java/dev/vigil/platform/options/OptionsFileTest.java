package dev.vigil.platform.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptionsFileTest {
  @TempDir
  Path dir;

  private String file(String content) throws IOException {
    Path file = dir.resolve("job.properties");
    Files.writeString(file, content);
    return file.toString();
  }

  private static KafkaPipelineOptions parse(String... args) {
    return PipelineOptionsFactory.fromArgs(OptionsFile.expand(args)).withValidation().as(KafkaPipelineOptions.class);
  }

  @Test
  void entriesBecomeFlagsAndTheCommandLineWins() throws IOException {
    String file = file("""
        bootstrapServers=broker-1:9092,broker-2:9092
        consumerGroup=from-file
        maxOutOfOrdernessMs=7000
        """);

    KafkaPipelineOptions options = parse("--optionsFile=" + file, "--consumerGroup=from-flag");

    assertThat(options.getBootstrapServers()).isEqualTo("broker-1:9092,broker-2:9092");
    assertThat(options.getMaxOutOfOrdernessMs()).isEqualTo(7000L);
    assertThat(options.getConsumerGroup()).isEqualTo("from-flag");
    assertThat(options.getOptionsFile()).isEqualTo(file);
    assertThat(OptionsFile.expand(new String[] {"--optionsFile=" + file, "--consumerGroup=from-flag"})).containsExactly(
        "--bootstrapServers=broker-1:9092,broker-2:9092", "--maxOutOfOrdernessMs=7000", "--optionsFile=" + file,
        "--consumerGroup=from-flag");
  }

  @Test
  void expandingTwiceAddsNothing() throws IOException {
    String[] once = OptionsFile.expand(new String[] {"--optionsFile=" + file("startOffset=latest\n"), "--streaming=true"});
    assertThat(OptionsFile.expand(once)).containsExactly(once);
  }

  @Test
  void withoutTheFlagArgsAreUnchanged() {
    String[] args = {"--bootstrapServers=b:9092"};
    assertThat(OptionsFile.expand(args)).isSameAs(args);
  }

  @Test
  void anUnknownKeyFailsAsTheSameUnknownFlagDoes() throws IOException {
    Throwable fromFlag = catchThrowable(() -> parse("--windowSecond=5"));
    Throwable fromFile = catchThrowable(() -> parse("--optionsFile=" + file("windowSecond=5\n")));

    assertThat(fromFlag).isInstanceOf(IllegalArgumentException.class);
    assertThat(fromFile).isInstanceOf(IllegalArgumentException.class).hasMessage(fromFlag.getMessage());
  }

  @Test
  void aMissingFileOrABadKeyIsOneLine() throws IOException {
    assertThatThrownBy(() -> OptionsFile.expand(new String[] {"--optionsFile=" + dir.resolve("nope")}))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("options file " + dir.resolve("nope").toAbsolutePath() + " does not exist");
    assertThatThrownBy(() -> OptionsFile.expand(new String[] {"--optionsFile=" + file("--bootstrapServers=x\n")}))
        .hasMessageContaining("'--bootstrapServers' is not an option name");
    assertThatThrownBy(() -> OptionsFile.expand(new String[] {"--optionsFile=" + file("optionsFile=other.properties\n")}))
        .hasMessageContaining("cannot name another options file");
    assertThatThrownBy(() -> OptionsFile.expand(new String[] {"--optionsFile"})).hasMessage("--optionsFile needs a file: --optionsFile=PATH");
  }
}
