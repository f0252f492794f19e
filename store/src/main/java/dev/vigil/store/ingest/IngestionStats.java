package dev.vigil.store.ingest;

import java.util.concurrent.atomic.LongAdder;

/** Running totals of what real-time ingestion did since the server started (exported as metrics). */
public final class IngestionStats {
  public final LongAdder upserts = new LongAdder();
  public final LongAdder deletes = new LongAdder();
  /** Upserts skipped because the stored verdict is about newer activity. */
  public final LongAdder stale = new LongAdder();
  public final LongAdder rejected = new LongAdder();
  public final LongAdder batches = new LongAdder();
}
