package dev.vigil.core.rules;

import dev.vigil.core.extract.IpLiteral;

/** An IPv4 or IPv6 network in CIDR notation, e.g. {@code 10.0.0.0/8} or {@code fd00::/8}. */
public final class CidrBlock implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final String text;
  private final byte[] network;
  private final int prefixLength;

  private CidrBlock(String text, byte[] network, int prefixLength) {
    this.text = text;
    this.network = network;
    this.prefixLength = prefixLength;
  }

  /** Parses CIDR text; a bare address means a single host. */
  public static CidrBlock parse(String text) {
    int slash = text.indexOf('/');
    String address = slash >= 0 ? text.substring(0, slash) : text;
    byte[] network = IpLiteral.parse(address.strip());
    if (network == null) {
      throw new IllegalArgumentException("'" + text + "' is not an IP network (expected e.g. 10.0.0.0/8 or fd00::/8)");
    }
    int max = network.length * 8;
    int prefix = max;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(text.substring(slash + 1).strip());
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > max) {
        throw new IllegalArgumentException("'" + text + "' has an invalid prefix length (0 to " + max + ")");
      }
    }
    return new CidrBlock(text, network, prefix);
  }

  public boolean contains(String ip) {
    byte[] address = IpLiteral.parse(ip);
    if (address == null || address.length != network.length) {
      return false;
    }
    int fullBytes = prefixLength / 8;
    for (int i = 0; i < fullBytes; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int remainingBits = prefixLength % 8;
    if (remainingBits == 0) {
      return true;
    }
    int mask = (0xff << (8 - remainingBits)) & 0xff;
    return (address[fullBytes] & mask) == (network[fullBytes] & mask);
  }

  @Override
  public String toString() {
    return text;
  }
}
