package dev.vigil.testsupport;

import java.util.Arrays;

/** Command-line flags of the jobs as tests put them together: the flags every job of a test shares, then one job's. */
public final class JobArgs {
  private JobArgs() {}

  public static String[] concat(String[] common, String... more) {
    String[] out = Arrays.copyOf(common, common.length + more.length);
    System.arraycopy(more, 0, out, common.length, more.length);
    return out;
  }
}
