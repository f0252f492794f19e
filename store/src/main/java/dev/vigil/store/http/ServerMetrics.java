package dev.vigil.store.http;

import dev.vigil.store.Store;
import dev.vigil.store.ingest.IngestionStats;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * The server's counters and latency histograms, exposed in the Prometheus text format. Names are stable:
 * dashboards and alerts are built on them.
 */
final class ServerMetrics {
  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, ConcurrentHistogram> latencyMicros = new ConcurrentHashMap<>();
  final LongAdder keysRead = new LongAdder();
  final LongAdder keysMissing = new LongAdder();
  /** Connections closed unanswered because every connection thread was busy. */
  final LongAdder connectionsRefused = new LongAdder();
  private final IntSupplier connectionsBusy;

  /** @param connectionsBusy connections whose request is being read, handled or answered right now */
  ServerMetrics(IntSupplier connectionsBusy) {
    this.connectionsBusy = connectionsBusy;
  }

  void record(String endpoint, int status, long nanos) {
    requests.computeIfAbsent(endpoint + "\u0000" + status, k -> new LongAdder()).increment();
    latencyMicros.computeIfAbsent(endpoint, k -> new ConcurrentHistogram(60_000_000L, 2))
        .recordValue(Math.min(60_000_000L, Math.max(1, nanos / 1000)));
  }

  String render(Collection<Store> stores) {
    StringBuilder out = new StringBuilder(4096);
    out.append("# HELP vigil_store_requests_total HTTP requests answered, by endpoint and status.\n");
    out.append("# TYPE vigil_store_requests_total counter\n");
    requests.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      String[] parts = e.getKey().split("\u0000");
      out.append("vigil_store_requests_total{endpoint=\"").append(parts[0]).append("\",status=\"").append(parts[1])
          .append("\"} ").append(e.getValue().sum()).append('\n');
    });
    out.append("# HELP vigil_store_request_latency_seconds Server-side request latency since start.\n");
    out.append("# TYPE vigil_store_request_latency_seconds summary\n");
    latencyMicros.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      ConcurrentHistogram h = e.getValue();
      for (double q : new double[] {0.5, 0.9, 0.99, 0.999}) {
        out.append("vigil_store_request_latency_seconds{endpoint=\"").append(e.getKey()).append("\",quantile=\"").append(q)
            .append("\"} ").append(seconds(h.getValueAtPercentile(q * 100))).append('\n');
      }
      out.append("vigil_store_request_latency_seconds_count{endpoint=\"").append(e.getKey()).append("\"} ")
          .append(h.getTotalCount()).append('\n');
    });
    counter(out, "vigil_store_keys_read_total", "Keys looked up by single and batch gets.", keysRead.sum());
    counter(out, "vigil_store_keys_missing_total", "Keys looked up that had no value.", keysMissing.sum());
    counter(out, "vigil_store_http_connections_refused_total", "Connections closed unanswered at the connection limit.",
        connectionsRefused.sum());
    out.append("# HELP vigil_store_http_connections_busy Connections with a request being read, handled or answered.\n");
    out.append("# TYPE vigil_store_http_connections_busy gauge\n");
    out.append("vigil_store_http_connections_busy ").append(connectionsBusy.getAsInt()).append('\n');
    for (Store store : stores) {
      String label = "{store=\"" + store.name() + "\"}";
      IngestionStats s = store.ingestion().stats();
      out.append("vigil_store_serving_version").append(label).append(' ').append(store.servingVersion()).append('\n');
      out.append("vigil_store_rt_upserts_total").append(label).append(' ').append(s.upserts.sum()).append('\n');
      out.append("vigil_store_rt_stale_verdicts_total").append(label).append(' ').append(s.stale.sum()).append('\n');
      out.append("vigil_store_rt_deletes_total").append(label).append(' ').append(s.deletes.sum()).append('\n');
      out.append("vigil_store_rt_rejected_total").append(label).append(' ').append(s.rejected.sum()).append('\n');
      out.append("vigil_store_rt_lag_records").append(label).append(' ').append(store.ingestion().lag()).append('\n');
      out.append("vigil_store_rt_consumed_total").append(label).append(' ')
          .append(store.recordsConsumed()).append('\n');
    }
    return out.toString();
  }

  private static void counter(StringBuilder out, String name, String help, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    out.append(name).append(' ').append(value).append('\n');
  }

  private static String seconds(long micros) {
    return String.format(Locale.ROOT, "%.6f", micros / 1e6);
  }
}
