package dev.vigil.loadtest.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a run's {@code report.json} and {@code report.html}. The page is one file with no network needs: the
 * report's JSON inside it, and a small script of its own that draws the charts as SVG when the page is opened.
 */
public final class ReportFiles {
  public static final String JSON = "report.json";
  public static final String HTML = "report.html";
  private static final String TEMPLATE = "report-template.html";
  private static final String DATA_MARK = "/*REPORT_DATA*/null";

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private ReportFiles() {}

  public static void write(LoadTestReport report, Path dir) throws IOException {
    Files.createDirectories(dir);
    String json = MAPPER.writeValueAsString(report);
    Files.writeString(dir.resolve(JSON), json);
    Files.writeString(dir.resolve(HTML), page(json));
  }

  /** The page for a report's JSON. */
  static String page(String json) throws IOException {
    String template;
    try (InputStream in = ReportFiles.class.getResourceAsStream(TEMPLATE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + TEMPLATE);
      }
      template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    // Inside a script element "</script" ends it and "<!--" changes how it is parsed; as \u003c, no "<" is left and
    // the JSON means the same.
    return template.replace(DATA_MARK, json.replace("<", "\\u003c"));
  }

  public static ObjectMapper mapper() {
    return MAPPER;
  }
}
