package dev.vigil.loadtest.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time and memory of a process on this machine, as the kernel counts them: CPU from {@link ProcessHandle} (user
 * plus system time of all its threads), resident memory and its peak ({@code VmRSS}, {@code VmHWM}) from
 * {@code /proc/<pid>/status}. Zero where the kernel does not say (a process that has ended, a system without /proc).
 */
record ProcessUsage(double cpuSeconds, long rssBytes, long peakRssBytes) {
  static final ProcessUsage NONE = new ProcessUsage(0, 0, 0);

  static ProcessUsage of(long pid) {
    double cpu = ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L) / 1e9;
    long rss = 0;
    long peak = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = kilobytes(line) * 1024;
        } else if (line.startsWith("VmHWM:")) {
          peak = kilobytes(line) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or no /proc: memory unknown
    }
    return new ProcessUsage(cpu, rss, peak);
  }

  private static long kilobytes(String statusLine) {
    return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
  }
}
