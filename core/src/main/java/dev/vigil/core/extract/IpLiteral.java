package dev.vigil.core.extract;

/**
 * Parses IP address literals (IPv4 dotted quad, IPv6 text with "::", a trailing dotted quad or a zone id)
 * into bytes. It never resolves names, unlike {@code InetAddress.getByName}, so it is safe on untrusted
 * input and in hot paths.
 */
public final class IpLiteral {
  private IpLiteral() {}

  /** 4 bytes for IPv4 and IPv4-mapped IPv6, 16 bytes for other IPv6, or null if not an IP literal. */
  public static byte[] parse(String ip) {
    if (ip == null || ip.isEmpty()) {
      return null;
    }
    int[] v4 = parseIpv4(ip);
    if (v4 != null) {
      return new byte[] {(byte) v4[0], (byte) v4[1], (byte) v4[2], (byte) v4[3]};
    }
    int[] v6 = parseIpv6(ip);
    if (v6 == null) {
      return null;
    }
    if (isIpv4Mapped(v6)) {
      return new byte[] {(byte) (v6[6] >>> 8), (byte) v6[6], (byte) (v6[7] >>> 8), (byte) v6[7]};
    }
    byte[] out = new byte[16];
    for (int i = 0; i < 8; i++) {
      out[2 * i] = (byte) (v6[i] >>> 8);
      out[2 * i + 1] = (byte) v6[i];
    }
    return out;
  }

  private static boolean isIpv4Mapped(int[] v6) {
    for (int i = 0; i < 5; i++) {
      if (v6[i] != 0) {
        return false;
      }
    }
    return v6[5] == 0xffff;
  }

  /** Four octets, or null. Rejects signs, empty parts and values over 255. */
  static int[] parseIpv4(String s) {
    int[] octets = new int[4];
    int part = 0;
    int value = -1;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        value = (value < 0 ? 0 : value * 10) + (c - '0');
        if (value > 255) {
          return null;
        }
      } else if (c == '.') {
        if (value < 0 || part == 3) {
          return null;
        }
        octets[part++] = value;
        value = -1;
      } else {
        return null;
      }
    }
    if (value < 0 || part != 3) {
      return null;
    }
    octets[3] = value;
    return octets;
  }

  /** Eight 16-bit groups, or null. Accepts "::" compression, a trailing dotted quad, and a zone id. */
  static int[] parseIpv6(String s) {
    int zone = s.indexOf('%');
    if (zone >= 0) {
      s = s.substring(0, zone);
    }
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    int doubleColon = s.indexOf("::");
    if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
      return null;
    }
    String head = doubleColon >= 0 ? s.substring(0, doubleColon) : s;
    String tail = doubleColon >= 0 ? s.substring(doubleColon + 2) : "";
    int[] headGroups = groups(head);
    int[] tailGroups = groups(tail);
    if (headGroups == null || tailGroups == null) {
      return null;
    }
    int total = headGroups.length + tailGroups.length;
    if (doubleColon >= 0 ? total > 7 : total != 8) {
      return null;
    }
    int[] result = new int[8];
    System.arraycopy(headGroups, 0, result, 0, headGroups.length);
    System.arraycopy(tailGroups, 0, result, 8 - tailGroups.length, tailGroups.length);
    return result;
  }

  private static int[] groups(String s) {
    if (s.isEmpty()) {
      return new int[0];
    }
    String[] parts = s.split(":", -1);
    int count = parts.length;
    boolean dotted = parts[count - 1].indexOf('.') >= 0;
    int[] out = new int[dotted ? count + 1 : count];
    for (int i = 0; i < count; i++) {
      String p = parts[i];
      if (dotted && i == count - 1) {
        int[] v4 = parseIpv4(p);
        if (v4 == null) {
          return null;
        }
        out[i] = (v4[0] << 8) | v4[1];
        out[i + 1] = (v4[2] << 8) | v4[3];
        continue;
      }
      if (p.isEmpty() || p.length() > 4) {
        return null;
      }
      int value = 0;
      for (int j = 0; j < p.length(); j++) {
        int digit = Character.digit(p.charAt(j), 16);
        if (digit < 0) {
          return null;
        }
        value = (value << 4) | digit;
      }
      out[i] = value;
    }
    return out;
  }
}
