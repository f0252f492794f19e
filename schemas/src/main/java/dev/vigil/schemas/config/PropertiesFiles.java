package dev.vigil.schemas.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** Reads Java properties files (UTF-8) whose failures are one line that never quotes the file's content. */
public final class PropertiesFiles {
  private PropertiesFiles() {}

  /**
   * The entries of {@code file}, sorted by key.
   *
   * @param what names the file in an error, e.g. "Kafka properties file"
   * @throws IllegalArgumentException when the file is missing, unreadable or malformed
   */
  public static Map<String, String> read(Path file, String what) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(what + " " + file.toAbsolutePath() + " does not exist");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException(what + " " + file.toAbsolutePath() + " is not readable (permission denied)");
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " " + file.toAbsolutePath() + " cannot be read: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      // Properties.load on a malformed \\uXXXX escape; its message does not quote the line.
      throw new IllegalArgumentException(what + " " + file.toAbsolutePath() + " is not a properties file: " + e.getMessage());
    }
    Map<String, String> entries = new TreeMap<>();
    properties.stringPropertyNames().forEach(k -> entries.put(k, properties.getProperty(k)));
    return entries;
  }
}
