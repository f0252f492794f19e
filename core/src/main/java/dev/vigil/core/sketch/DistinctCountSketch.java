package dev.vigil.core.sketch;

import dev.vigil.schemas.v1.DistinctSketch;
import java.util.Arrays;

/**
 * K-minimum-values distinct counter. Keeps the {@code k} smallest distinct hashes (unsigned order):
 * exact below {@code k} distinct values, an unbiased estimate with relative error about
 * {@code 1/sqrt(k-2)} above. Merging two sketches and then trimming to {@code k} gives exactly the
 * sketch of the union, which is what makes partial aggregates combinable in any order.
 */
public final class DistinctCountSketch {
  /** Shrinks to the smallest k merged in: a KMV sketch of a union is only exact to the smaller k. */
  private int k;
  /** The smallest hashes, ascending unsigned; only {@code size} entries are valid. */
  private long[] hashes;
  private int size;

  public DistinctCountSketch(int k) {
    if (k < 2) {
      throw new IllegalArgumentException("sketch size k must be at least 2, got " + k);
    }
    this.k = k;
    this.hashes = new long[Math.min(k, 8)];
  }

  public int k() {
    return k;
  }

  /** Number of retained hashes: the exact distinct count when {@link #isExact()}. */
  public int retained() {
    return size;
  }

  public boolean isExact() {
    return size < k;
  }

  public void addHash(long hash) {
    int pos = unsignedSearch(hash);
    if (pos >= 0) {
      return;
    }
    int insertAt = -pos - 1;
    if (size == k) {
      if (insertAt >= k) {
        return;
      }
      System.arraycopy(hashes, insertAt, hashes, insertAt + 1, k - insertAt - 1);
    } else {
      if (size == hashes.length) {
        hashes = Arrays.copyOf(hashes, Math.min(k, hashes.length * 2));
      }
      System.arraycopy(hashes, insertAt, hashes, insertAt + 1, size - insertAt);
      size++;
    }
    hashes[insertAt] = hash;
  }

  public void addLong(long value) {
    addHash(StableHash.ofLong(value));
  }

  public void addString(String value) {
    addHash(StableHash.ofString(value));
  }

  /**
   * Adds every hash of {@code other}; the result is the sketch of the union. When {@code other} was built
   * with a smaller k, this sketch shrinks to that k first: beyond its k smallest hashes {@code other} has
   * forgotten values, so a larger union sketch would undercount and claim to be exact when it is not.
   */
  public void merge(DistinctCountSketch other) {
    if (other.k < k) {
      k = other.k;
      size = Math.min(size, k);
    }
    if (other.size == 0) {
      return;
    }
    // Both lists are sorted (unsigned): one linear merge keeping the k smallest distinct hashes, instead
    // of a binary search and an array shift per incoming hash.
    long[] merged = new long[Math.min(k, size + other.size)];
    int i = 0;
    int j = 0;
    int n = 0;
    while (n < merged.length && (i < size || j < other.size)) {
      long next;
      if (j >= other.size) {
        next = hashes[i++];
      } else if (i >= size) {
        next = other.hashes[j++];
      } else {
        int cmp = Long.compareUnsigned(hashes[i], other.hashes[j]);
        if (cmp < 0) {
          next = hashes[i++];
        } else if (cmp > 0) {
          next = other.hashes[j++];
        } else {
          next = hashes[i++];
          j++;
        }
      }
      merged[n++] = next;
    }
    hashes = merged;
    size = n;
  }

  /** Distinct values seen: exact below {@code k}, otherwise the KMV estimate {@code (k-1)/kth}. */
  public double estimate() {
    if (size < k) {
      return size;
    }
    double kth = unsignedToDouble(hashes[k - 1]) / 0x1.0p64;
    return (k - 1) / kth;
  }

  public DistinctSketch toProto() {
    DistinctSketch.Builder b = DistinctSketch.newBuilder().setK(k);
    for (int i = 0; i < size; i++) {
      b.addHashes(hashes[i]);
    }
    return b.build();
  }

  /** Rebuilds a sketch; tolerates unsorted or duplicate hashes from a foreign producer. */
  public static DistinctCountSketch fromProto(DistinctSketch proto, int defaultK) {
    DistinctCountSketch sketch = new DistinctCountSketch(proto.getK() >= 2 ? proto.getK() : defaultK);
    for (int i = 0; i < proto.getHashesCount(); i++) {
      sketch.addHash(proto.getHashes(i));
    }
    return sketch;
  }

  private int unsignedSearch(long hash) {
    int lo = 0;
    int hi = size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int cmp = Long.compareUnsigned(hashes[mid], hash);
      if (cmp < 0) {
        lo = mid + 1;
      } else if (cmp > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }

  private static double unsignedToDouble(long v) {
    double d = (double) (v >>> 1) * 2.0;
    return d + (v & 1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DistinctCountSketch other && other.k == k
        && Arrays.equals(hashes, 0, size, other.hashes, 0, other.size);
  }

  @Override
  public int hashCode() {
    int h = k;
    for (int i = 0; i < size; i++) {
      h = 31 * h + Long.hashCode(hashes[i]);
    }
    return h;
  }

  @Override
  public String toString() {
    return "DistinctCountSketch{k=" + k + ", retained=" + size + ", estimate=" + estimate() + "}";
  }
}
