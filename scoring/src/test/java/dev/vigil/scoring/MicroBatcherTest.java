package dev.vigil.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {

  @Test
  void fullBatchesGoOutAtTheSizeBound() throws Exception {
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    CountDownLatch release = new CountDownLatch(1);
    try (MicroBatcher<Integer, Integer> batcher = new MicroBatcher<>("size", 16, Duration.ofMinutes(10), in -> {
      await(release);
      sizes.add(in.size());
      return in.stream().map(i -> i * 2).toList();
    })) {
      List<CompletableFuture<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        results.add(batcher.submit(i));
      }
      release.countDown();
      for (int i = 0; i < 64; i++) {
        assertThat(results.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i * 2);
      }
      // A 10-minute delay bound never expired, so only the size bound can have cut these batches.
      assertThat(sizes).allSatisfy(s -> assertThat(s).isLessThanOrEqualTo(16));
      assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(64);
      assertThat(sizes).contains(16);
    }
  }

  @Test
  void aLoneRequestGoesOutAtTheDelayBound() throws Exception {
    try (MicroBatcher<String, Integer> batcher = new MicroBatcher<>("delay", 1_000, Duration.ofMillis(20),
        in -> in.stream().map(String::length).toList())) {
      assertThat(batcher.submit("abuse").get(30, TimeUnit.SECONDS)).isEqualTo(5);
      assertThat(batcher.batches()).isEqualTo(1);
      assertThat(batcher.items()).isEqualTo(1);
    }
  }

  @Test
  void aFailingBatchFailsItsRequestsAndTheBatcherGoesOn() throws Exception {
    try (MicroBatcher<Integer, Integer> batcher = new MicroBatcher<>("fail", 4, Duration.ofMillis(5), in -> {
      if (in.contains(-1)) {
        throw new IllegalStateException("bad row");
      }
      return in;
    })) {
      CompletableFuture<Integer> bad = batcher.submit(-1);
      assertThatThrownBy(() -> bad.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasMessageContaining("bad row");
      assertThat(batcher.submit(7).get(30, TimeUnit.SECONDS)).isEqualTo(7);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
