package dev.vigil.core.sketch;

import java.nio.charset.StandardCharsets;

/**
 * 64-bit hashes that are identical on every JVM and run, so sketches built by different workers, the
 * streaming job and the batch replay can be merged. Not cryptographic.
 */
public final class StableHash {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private StableHash() {}

  /** SplitMix64 finaliser: a bijection with full avalanche, so distinct longs never collide. */
  public static long ofLong(long value) {
    long z = value + 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** FNV-1a over UTF-8 bytes, then the SplitMix64 finaliser to spread FNV's weak low bits. */
  public static long ofString(String value) {
    long h = FNV_OFFSET;
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= FNV_PRIME;
    }
    return ofLong(h);
  }
}
