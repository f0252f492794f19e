package dev.vigil.core.extract;

/**
 * The network an address belongs to, at the granularity abuse rules care about: the /24 of an IPv4
 * address and the /48 of an IPv6 address (a typical site allocation).
 */
public final class NetworkPrefix {
  private NetworkPrefix() {}

  /** The prefix in CIDR text ({@code 203.0.113.0/24}, {@code 2001:db8:1::/48}), or "" if not an IP literal. */
  public static String of(String ip) {
    byte[] a = IpLiteral.parse(ip);
    if (a == null) {
      return "";
    }
    if (a.length == 4) {
      return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + ".0/24";
    }
    return group(a, 0) + ":" + group(a, 1) + ":" + group(a, 2) + "::/48";
  }

  private static String group(byte[] a, int i) {
    return Integer.toHexString(((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff));
  }
}
