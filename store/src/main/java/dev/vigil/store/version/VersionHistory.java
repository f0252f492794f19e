package dev.vigil.store.version;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;

/**
 * A store's versions and which one serves: the pure bookkeeping behind push, swap, rollback and
 * retention. Immutable; every change returns a new history, which the store persists before acting on it.
 *
 * @param partitions the store's partition count, fixed at creation
 * @param current the serving version's number
 * @param versions every version on disk (and FAILED ones until retention removes them), oldest first
 */
public record VersionHistory(int partitions, int current, List<VersionRecord> versions) {

  public enum State { BUILDING, ONLINE, FAILED }

  /** One version's facts. {@code rows} counts what its push wrote; {@code error} is set when FAILED. */
  public record VersionRecord(int number, State state, long createdAtMs, String source, long cutoffMs, long rows, String error) {
    VersionRecord with(State newState, long newRows, String newError) {
      return new VersionRecord(number, newState, createdAtMs, source, cutoffMs, newRows, newError);
    }
  }

  public VersionHistory {
    versions = List.copyOf(versions);
  }

  /** A new store: version 1, empty, serving, fed by real-time writes only until the first push. */
  public static VersionHistory initial(int partitions, long nowMs) {
    return new VersionHistory(partitions, 1, List.of(new VersionRecord(1, State.ONLINE, nowMs, "empty", 0, 0, null)));
  }

  public int nextNumber() {
    return versions.stream().mapToInt(VersionRecord::number).max().orElse(0) + 1;
  }

  public Optional<VersionRecord> find(int number) {
    return versions.stream().filter(v -> v.number() == number).findFirst();
  }

  public VersionHistory withBuilding(int number, long nowMs, String source, long cutoffMs) {
    if (find(number).isPresent()) {
      throw new IllegalStateException("version " + number + " exists");
    }
    List<VersionRecord> next = new ArrayList<>(versions);
    next.add(new VersionRecord(number, State.BUILDING, nowMs, source, cutoffMs, 0, null));
    return new VersionHistory(partitions, current, next);
  }

  /** A finished push (or a rollback target): the version is complete and becomes the serving one. */
  public VersionHistory withServing(int number, long rows) {
    VersionRecord v = require(number);
    if (v.state() == State.FAILED) {
      throw new IllegalStateException("version " + number + " failed and cannot serve");
    }
    return new VersionHistory(partitions, number, replace(number, r -> r.with(State.ONLINE, rows, null)));
  }

  /** Makes an existing online version serve again, keeping its facts. */
  public VersionHistory withServing(int number) {
    VersionRecord v = require(number);
    if (v.state() != State.ONLINE) {
      throw new IllegalStateException("version " + number + " is " + v.state() + ", not ONLINE");
    }
    return new VersionHistory(partitions, number, versions);
  }

  public VersionHistory withFailed(int number, String error) {
    VersionRecord v = require(number);
    return new VersionHistory(partitions, current, replace(number, r -> r.with(State.FAILED, v.rows(), error)));
  }

  /** The newest online version older than the serving one: what rollback goes back to. */
  public OptionalInt rollbackTarget() {
    return versions.stream()
        .filter(v -> v.state() == State.ONLINE && v.number() < current)
        .mapToInt(VersionRecord::number).max();
  }

  /**
   * Versions retention removes: failed ones, and online ones beyond the serving version plus the newest
   * {@code keep - 1} others. Builds in progress are never removed.
   */
  public List<Integer> expired(int keep) {
    List<VersionRecord> others = versions.stream()
        .filter(v -> v.state() == State.ONLINE && v.number() != current)
        .sorted(Comparator.comparingInt(VersionRecord::number).reversed())
        .toList();
    List<Integer> out = new ArrayList<>();
    versions.stream().filter(v -> v.state() == State.FAILED).forEach(v -> out.add(v.number()));
    others.stream().skip(Math.max(0, keep - 1)).forEach(v -> out.add(v.number()));
    out.sort(null);
    return out;
  }

  /** Builds cut short by a crash: they never served and are rebuilt by pushing again. */
  public List<Integer> interrupted() {
    return versions.stream().filter(v -> v.state() == State.BUILDING).map(VersionRecord::number).toList();
  }

  public VersionHistory without(List<Integer> numbers) {
    if (numbers.contains(current)) {
      throw new IllegalStateException("the serving version " + current + " cannot be removed");
    }
    return new VersionHistory(partitions, current, versions.stream().filter(v -> !numbers.contains(v.number())).toList());
  }

  private VersionRecord require(int number) {
    return find(number).orElseThrow(() -> new IllegalStateException("no version " + number));
  }

  private List<VersionRecord> replace(int number, UnaryOperator<VersionRecord> change) {
    return versions.stream().map(v -> v.number() == number ? change.apply(v) : v).toList();
  }
}
