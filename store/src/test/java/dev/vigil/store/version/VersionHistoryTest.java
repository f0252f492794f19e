package dev.vigil.store.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionHistoryTest {

  @Test
  void pushesNumberUpwardsAndTheFinishedOneServes() {
    VersionHistory h = VersionHistory.initial(8, 1);
    assertThat(h.current()).isEqualTo(1);
    h = h.withBuilding(h.nextNumber(), 2, "/in", 100);
    assertThat(h.current()).as("a building version does not serve").isEqualTo(1);
    assertThat(h.interrupted()).containsExactly(2);
    h = h.withServing(2, 10);
    assertThat(h.current()).isEqualTo(2);
    assertThat(h.find(2).orElseThrow().state()).isEqualTo(VersionHistory.State.ONLINE);
    assertThat(h.find(2).orElseThrow().rows()).isEqualTo(10);
    assertThat(h.nextNumber()).isEqualTo(3);
  }

  @Test
  void rollbackTargetsTheNewestOnlineVersionBelowTheServingOneAndSkipsFailures() {
    VersionHistory h = VersionHistory.initial(8, 1)
        .withBuilding(2, 0, "a", 1).withServing(2, 1)
        .withBuilding(3, 0, "b", 1).withFailed(3, "bad row")
        .withBuilding(4, 0, "c", 1).withServing(4, 1);
    assertThat(h.rollbackTarget()).hasValue(2);
    h = h.withServing(2);
    assertThat(h.rollbackTarget()).hasValue(1);
    h = h.withServing(1);
    assertThat(h.rollbackTarget()).isEmpty();
    VersionHistory last = h;
    assertThatThrownBy(() -> last.withServing(3)).hasMessageContaining("FAILED");
  }

  @Test
  void retentionKeepsTheServingVersionPlusTheNewestOthersAndDropsFailures() {
    VersionHistory h = VersionHistory.initial(8, 1);
    for (int v = 2; v <= 5; v++) {
      h = h.withBuilding(v, 0, "x", 1).withServing(v, 1);
    }
    h = h.withBuilding(6, 0, "x", 1).withFailed(6, "boom").withBuilding(7, 0, "x", 1);
    assertThat(h.expired(3)).containsExactly(1, 2, 6);
    h = h.withServing(2); // rolled back twice: 2 serves, 5 and 4 are the newest others
    assertThat(h.expired(3)).containsExactly(1, 3, 6);
    assertThat(h.expired(3)).doesNotContain(7);
    VersionHistory serving2 = h;
    assertThatThrownBy(() -> serving2.without(java.util.List.of(2))).hasMessageContaining("serving version 2");
  }

  @Test
  void historyFileRoundTripsAndReplacesAtomically(@TempDir Path dir) {
    VersionHistoryFile file = new VersionHistoryFile(dir);
    assertThat(file.read()).isEmpty();
    VersionHistory h = VersionHistory.initial(4, 7).withBuilding(2, 8, "/data", 9);
    file.write(h);
    file.write(h.withServing(2, 3));
    assertThat(file.read()).contains(h.withServing(2, 3));
    assertThat(dir.resolve("versions.json.tmp")).doesNotExist();
  }
}
