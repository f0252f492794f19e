package dev.vigil.store.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;

/**
 * The shared secret the store's admin endpoints ({@link StoreApi#ADMIN_STORES}) require, sent as
 * {@code Authorization: Bearer <token>}. The server and the clients read it the same way: from a file, or
 * else from the environment variable {@value #ENV}. The value never appears in a message or in
 * {@link #toString()}, so it cannot reach a log by accident.
 */
public final class AdminToken {
  /** Environment variable holding the token when no token file is given. */
  public static final String ENV = "VIGIL_STORE_ADMIN_TOKEN";
  /** Shortest token accepted: 16 random characters are beyond guessing over HTTP. */
  public static final int MIN_LENGTH = 16;
  // A token file holds one word; anything larger was pointed at the wrong file.
  private static final int MAX_FILE_BYTES = 4096;

  private final String value;

  private AdminToken(String value) {
    this.value = value;
  }

  /**
   * A token from its text (surrounding white space ignored). IllegalArgumentException, naming
   * {@code source} but never the text, when it is too short or not one word of printable ASCII.
   */
  public static AdminToken of(String text, String source) {
    String token = text.strip();
    if (token.isEmpty()) {
      throw new IllegalArgumentException(source + " is empty; it must hold the admin token");
    }
    if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(source + " holds characters other than printable ASCII; the admin token is one word");
    }
    if (token.length() < MIN_LENGTH) {
      throw new IllegalArgumentException(source + " holds a token of " + token.length() + " characters; use at least "
          + MIN_LENGTH + " random ones (e.g. openssl rand -hex 32)");
    }
    return new AdminToken(token);
  }

  /** The token a file holds; IllegalArgumentException (one line, no content) when it cannot be used. */
  public static AdminToken fromFile(Path file) {
    String source = "admin token file " + file;
    try {
      if (Files.isDirectory(file)) {
        throw new IllegalArgumentException(source + " is a directory");
      }
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new IllegalArgumentException(source + " is over " + MAX_FILE_BYTES + " bytes; it should hold only the token");
      }
      return of(Files.readString(file, StandardCharsets.ISO_8859_1), source);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(source + " does not exist");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException(source + " is not readable by this user");
    } catch (IOException e) {
      throw new IllegalArgumentException(source + " cannot be read: " + e.getClass().getSimpleName());
    }
  }

  /** {@code file} if given, else {@value #ENV} from this process's environment, else none. */
  public static Optional<AdminToken> resolve(Path file) {
    return resolve(file, System.getenv());
  }

  /** {@link #resolve(Path)} against a given environment (tests). */
  public static Optional<AdminToken> resolve(Path file, Map<String, String> environment) {
    if (file != null) {
      return Optional.of(fromFile(file));
    }
    String text = environment.get(ENV);
    return text == null ? Optional.empty() : Optional.of(of(text, "environment variable " + ENV));
  }

  /** The {@code Authorization} header value that carries this token. */
  public String authorization() {
    return StoreApi.BEARER + value;
  }

  /**
   * Whether an {@code Authorization} header carries this token. The comparison takes the same time
   * whatever the presented value, so a caller cannot find the token a character at a time.
   */
  public boolean matches(String authorization) {
    if (authorization == null || authorization.length() < StoreApi.BEARER.length()
        || !authorization.regionMatches(true, 0, StoreApi.BEARER, 0, StoreApi.BEARER.length())) {
      return false;
    }
    String presented = authorization.substring(StoreApi.BEARER.length()).strip();
    return MessageDigest.isEqual(sha256(value), sha256(presented));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** Never the token itself. */
  @Override
  public String toString() {
    return "AdminToken[redacted]";
  }
}
