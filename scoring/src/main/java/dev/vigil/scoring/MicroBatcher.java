package dev.vigil.scoring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Gathers single requests into batches for a batch function (a model scores 64 rows in little more time
 * than one). A batch goes out when it holds {@code maxBatchSize} requests or when its oldest request has
 * waited {@code maxDelay}, whichever comes first; so batching never adds more than {@code maxDelay} of
 * latency. One worker thread calls the batch function, so a non-thread-safe scorer may sit behind it.
 *
 * <p>Inside Beam the pipeline batches per bundle instead (the runner bounds a bundle's duration); this
 * class serves callers outside a pipeline, such as a service scoring on request.
 */
public final class MicroBatcher<I, O> implements AutoCloseable {
  private record Pending<I, O>(I item, CompletableFuture<O> result) {}

  private final int maxBatchSize;
  private final long maxDelayNanos;
  private final Function<List<I>, List<O>> batchFunction;
  private final BlockingQueue<Pending<I, O>> queue = new LinkedBlockingQueue<>();
  private final Thread worker;
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong items = new AtomicLong();
  private volatile boolean closed;

  public MicroBatcher(String name, int maxBatchSize, Duration maxDelay, Function<List<I>, List<O>> batchFunction) {
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException("maxBatchSize must be >= 1, got " + maxBatchSize);
    }
    if (maxDelay.isNegative()) {
      throw new IllegalArgumentException("maxDelay must not be negative, got " + maxDelay);
    }
    this.maxBatchSize = maxBatchSize;
    this.maxDelayNanos = maxDelay.toNanos();
    this.batchFunction = batchFunction;
    this.worker = new Thread(this::run, "micro-batcher-" + name);
    this.worker.setDaemon(true);
    this.worker.start();
  }

  /** Queues one request; the future completes when its batch has been processed. */
  public CompletableFuture<O> submit(I item) {
    if (closed) {
      throw new IllegalStateException("micro-batcher is closed");
    }
    CompletableFuture<O> result = new CompletableFuture<>();
    queue.add(new Pending<>(item, result));
    return result;
  }

  /** Batches processed so far. */
  public long batches() {
    return batches.get();
  }

  /** Requests processed so far. */
  public long items() {
    return items.get();
  }

  private void run() {
    List<Pending<I, O>> batch = new ArrayList<>(maxBatchSize);
    while (!closed || !queue.isEmpty()) {
      try {
        Pending<I, O> first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        long deadline = System.nanoTime() + maxDelayNanos;
        while (batch.size() < maxBatchSize) {
          long left = deadline - System.nanoTime();
          Pending<I, O> next = left <= 0 ? queue.poll() : queue.poll(left, TimeUnit.NANOSECONDS);
          if (next == null) {
            break;
          }
          batch.add(next);
        }
        process(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } finally {
        batch.clear();
      }
    }
  }

  private void process(List<Pending<I, O>> batch) {
    // Counted before the futures complete, so a caller that saw its result also sees its batch counted.
    batches.incrementAndGet();
    items.addAndGet(batch.size());
    List<I> inputs = new ArrayList<>(batch.size());
    for (Pending<I, O> p : batch) {
      inputs.add(p.item());
    }
    try {
      List<O> outputs = batchFunction.apply(inputs);
      if (outputs.size() != inputs.size()) {
        throw new IllegalStateException("batch function returned " + outputs.size() + " results for " + inputs.size() + " inputs");
      }
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).result().complete(outputs.get(i));
      }
    } catch (RuntimeException e) {
      batch.forEach(p -> p.result().completeExceptionally(e));
    }
  }

  /** Processes what is queued, then stops the worker. */
  @Override
  public void close() throws InterruptedException {
    closed = true;
    worker.join();
  }
}
