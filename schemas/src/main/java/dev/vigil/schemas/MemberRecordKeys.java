package dev.vigil.schemas;

import java.nio.charset.StandardCharsets;

/**
 * The key of every member's record on Vigil's topics (raw events, partials, verdicts, the store's real-time topic):
 * the member id as a decimal string in UTF-8. Keyed so that Kafka's default partitioner keeps a member's records on
 * one partition, in order.
 */
public final class MemberRecordKeys {
  private MemberRecordKeys() {}

  public static byte[] encode(long memberId) {
    return Long.toString(memberId).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The member id a key or a decimal text (an HTTP path) names.
   *
   * @throws IllegalArgumentException with a one-line reason when it is not one
   */
  public static long parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("member id is empty");
    }
    if (text.length() > 20) {
      throw new IllegalArgumentException("member id '" + abbreviate(text) + "' is not a 64-bit integer");
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("member id '" + abbreviate(text) + "' is not a 64-bit integer");
    }
  }

  /** {@link #parse(String)} of a record key. */
  public static long decode(byte[] key) {
    return parse(key == null ? null : new String(key, StandardCharsets.UTF_8));
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
