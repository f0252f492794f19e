package dev.vigil.store;

/**
 * Member ids as store keys (RocksDB's; the Kafka topics' record keys are {@code schemas}' {@code MemberRecordKeys}). A key is the id in 8 bytes, big-endian with the sign bit flipped, so RocksDB's
 * bytewise order is numeric order (SstFileWriter needs keys in that order). Partitions come from a mixed
 * hash, so consecutive ids spread evenly.
 */
public final class MemberKeys {
  private MemberKeys() {}

  public static byte[] encode(long memberId) {
    long v = memberId ^ Long.MIN_VALUE;
    byte[] b = new byte[8];
    for (int i = 7; i >= 0; i--) {
      b[i] = (byte) v;
      v >>>= 8;
    }
    return b;
  }

  public static long decode(byte[] key) {
    if (key.length != 8) {
      throw new IllegalArgumentException("store key must be 8 bytes, got " + key.length);
    }
    long v = 0;
    for (byte b : key) {
      v = (v << 8) | (b & 0xFF);
    }
    return v ^ Long.MIN_VALUE;
  }

  /** The partition that holds a member: fixed for the life of a store. */
  public static int partition(long memberId, int partitions) {
    // MurmurHash3 fmix64: ids are often sequential, and plain modulo would keep neighbours together.
    long h = memberId;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) Math.floorMod(h, (long) partitions);
  }

}
