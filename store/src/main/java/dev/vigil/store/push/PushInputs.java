package dev.vigil.store.push;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a push may read its input. The server reads push files with its own rights, so a push request
 * naming a path must not become a way to read any file the process can: with {@link #under} an input is
 * accepted only if it, and every file read for it once symbolic links are resolved, lies inside one of
 * the given directories.
 */
public final class PushInputs {
  private static final String SUFFIX = ".jsonl";
  /** Real paths of the allowed directories; null: anywhere. */
  private final List<Path> roots;
  /** The same as given (absolute, normalised), for the check before the file system is asked. */
  private final List<Path> named;

  private PushInputs(List<Path> roots, List<Path> named) {
    this.roots = roots;
    this.named = named;
  }

  /** No restriction: for a server embedded in a process that trusts its callers. */
  public static PushInputs anywhere() {
    return new PushInputs(null, null);
  }

  /** Inputs only inside {@code dirs}, which must exist; IllegalArgumentException (one line) otherwise. */
  public static PushInputs under(Collection<Path> dirs) {
    if (dirs.isEmpty()) {
      throw new IllegalArgumentException("at least one push directory is needed");
    }
    List<Path> roots = new ArrayList<>();
    List<Path> named = new ArrayList<>();
    for (Path dir : dirs) {
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("push directory " + dir + " is not an existing directory");
      }
      roots.add(realPath(dir));
      named.add(dir.toAbsolutePath().normalize());
    }
    return new PushInputs(List.copyOf(roots), List.copyOf(named));
  }

  /** For status lines: the directories, or that there is no restriction. */
  public String describe() {
    return roots == null ? "any directory" : roots.toString();
  }

  /**
   * The files a push of {@code input} reads: the input itself if it is a {@code .jsonl} file, or every
   * {@code *.jsonl} file under it, in name order, each as its real path (the file that was checked is the
   * file that is read). IllegalArgumentException with a one-line reason when the input is not allowed or
   * holds nothing to push.
   */
  public List<Path> files(String input) {
    Path path;
    try {
      path = Path.of(input);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("push input '" + input + "' is not a valid path");
    }
    if (roots != null) {
      if (!path.isAbsolute()) {
        throw new IllegalArgumentException("push input " + input + " must be an absolute path");
      }
      // Checked before the file system is touched, so a refused request does not even learn whether the
      // path exists; against the directories as named too, since the client may reach them through a link.
      Path normal = path.normalize();
      if (!allowed(normal) && named.stream().noneMatch(normal::startsWith)) {
        throw outside(input);
      }
    }
    if (!Files.exists(path)) {
      throw new IllegalArgumentException("push input " + input + " does not exist");
    }
    Path real = realPath(path);
    if (!allowed(real)) {
      throw new IllegalArgumentException("push input " + input + " is a symbolic link leading outside the push directories "
          + roots);
    }
    if (Files.isRegularFile(real)) {
      if (!real.getFileName().toString().endsWith(SUFFIX)) {
        throw new IllegalArgumentException("push input " + input + " is not a " + SUFFIX + " file");
      }
      return List.of(real);
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(real)) {
      for (Path file : walk.filter(f -> f.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(f)).sorted().toList()) {
        Path target = realPath(file);
        if (!allowed(target)) {
          throw new IllegalArgumentException(file + " is a symbolic link leading outside the push directories " + roots);
        }
        files.add(target);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + input + ": " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("push input " + input + " holds no " + SUFFIX + " files");
    }
    return files;
  }

  private boolean allowed(Path path) {
    // Path.startsWith compares whole names: /data/push2 is not inside /data/push.
    return roots == null || roots.stream().anyMatch(path::startsWith);
  }

  private IllegalArgumentException outside(String input) {
    return new IllegalArgumentException("push input " + input + " is outside the server's push directories " + roots
        + " (store serve --push-dir)");
  }

  private static Path realPath(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve " + path + ": " + e.getMessage(), e);
    }
  }
}
