package dev.vigil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.store.client.AdminToken;
import dev.vigil.testsupport.Await;
import dev.vigil.testsupport.store.StoreServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil store serve} as a new user starts it: in a process of its own (the HTTP timeouts are per
 * process), with no Kafka behind it (reads and admin calls do not need one).
 */
class StoreServeHardeningTest {
  private static final String STORE = "abuse-scores";
  private static final String TOKEN = "f00dfeedcafe-0123456789-child";
  private static final String NO_KAFKA = "127.0.0.1:1";

  @Test
  void serveListensOnLoopbackUnlessBindSaysOtherwiseAndNeverPrintsTheAdminToken(@TempDir Path temp) throws Exception {
    Path tokenFile = Files.writeString(temp.resolve("admin.token"), TOKEN + "\n");
    Optional<InetAddress> external = nonLoopbackAddress();
    try (StoreServerProcess child = StoreServerProcess.start(temp.resolve("a"), NO_KAFKA,
        List.of("--admin-token-file", tokenFile.toString()), Map.of())) {
      int port = child.awaitPort(Duration.ofSeconds(60));
      assertThat(child.allOutput()).contains("listening on port " + port + " at 127.0.0.1",
          "admin endpoints need the admin token (from " + tokenFile + ")");
      String url = "http://127.0.0.1:" + port;
      assertThat(RawHttp.send("GET", url + "/stores/" + STORE + "/1", null).statusCode()).isEqualTo(404);
      external.ifPresent(address -> assertThatThrownBy(() -> connect(address, port)).as("reaching it via " + address)
          .isInstanceOf(ConnectException.class));

      String versions = url + "/admin/stores/" + STORE + "/versions";
      assertThat(RawHttp.send("GET", versions, null).statusCode()).isEqualTo(401);
      assertThat(RawHttp.send("GET", versions, null, "Authorization", "Bearer " + TOKEN + "-wrong").statusCode()).isEqualTo(401);
      assertThat(RawHttp.send("GET", versions, null, "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
      // The push of the issue: by default only the data directory is a push directory.
      HttpResponse<String> passwd = RawHttp.send("POST", url + "/admin/stores/" + STORE + "/push",
          "{\"input\": \"/etc/passwd\", \"cutoffMs\": 5}", "Authorization", "Bearer " + TOKEN);
      assertThat(passwd.statusCode()).isEqualTo(400);
      assertThat(passwd.body()).contains("outside the server's push directories [" + temp.resolve("a").toRealPath() + "]")
          .doesNotContain("root:");
      child.stop();
      assertThat(child.allOutput()).contains("vigil store: listening").doesNotContain(TOKEN);
    }

    // --bind moves it; the token may come from the environment instead of a file.
    try (StoreServerProcess child = StoreServerProcess.start(temp.resolve("b"), NO_KAFKA, List.of("--bind", "0.0.0.0"),
        Map.of(AdminToken.ENV, TOKEN))) {
      int port = child.awaitPort(Duration.ofSeconds(60));
      assertThat(child.allOutput()).contains("listening on port " + port + " at 0.0.0.0", "(from $" + AdminToken.ENV + ")");
      String host = external.map(InetAddress::getHostAddress).orElse("127.0.0.1");
      assertThat(RawHttp.send("GET", "http://" + host + ":" + port + "/admin/stores/" + STORE + "/versions", null,
          "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
      child.stop();
      assertThat(child.allOutput()).doesNotContain(TOKEN);
    }
  }

  /**
   * Forty clients send their headers a byte every 100 ms, ten more connect and send nothing. With four
   * handler threads, other requests must still be answered at once, and every slow connection must be
   * closed once the request timeout has passed - not before.
   */
  @Test
  void slowClientsCannotStarveOtherRequestsAndAreClosedAfterTheRequestTimeout(@TempDir Path temp) throws Exception {
    Duration requestTimeout = Duration.ofSeconds(5);
    try (StoreServerProcess child = StoreServerProcess.start(temp, NO_KAFKA,
        List.of("--request-timeout", requestTimeout.toSeconds() + "s", "--http-threads", "4", "--max-connections", "64"), Map.of())) {
      int port = child.awaitPort(Duration.ofSeconds(60));
      String url = "http://127.0.0.1:" + port;
      List<SlowClient> clients = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        clients.add(SlowClient.start(port, i < 40));
      }
      try {
        List<SlowClient> trickling = clients.subList(0, 40);
        Await.until(() -> trickling.stream().allMatch(c -> c.bytesSent >= 3), Duration.ofSeconds(10),
            () -> "every slow client sending its headers");

        for (int i = 0; i < 5; i++) {
          long started = System.nanoTime();
          HttpResponse<String> response = RawHttp.send("GET", url + "/stores/" + STORE + "/42", null);
          assertThat(response.statusCode()).isEqualTo(404);
          assertThat(Duration.ofNanos(System.nanoTime() - started)).as("a read during the slow clients").isLessThan(Duration.ofSeconds(2));
        }
        HttpResponse<String> metrics = RawHttp.send("GET", url + "/metrics", null);
        assertThat(busyConnections(metrics.body())).as("each slow client holds a connection thread of its own").isGreaterThanOrEqualTo(40);
        assertThat(clients).as("every slow client still connected while the reads were answered").allMatch(c -> c.closedAfter == null);

        Await.until(() -> clients.stream().allMatch(c -> c.closedAfter != null), requestTimeout.plusSeconds(5),
            () -> clients.stream().filter(c -> c.closedAfter == null).count() + " slow connections still open");
        assertThat(clients).allSatisfy(c -> assertThat(c.closedAfter).as("closed after")
            .isBetween(requestTimeout.minusMillis(300), requestTimeout.plusSeconds(3)));
        assertThat(clients).noneMatch(c -> c.answered);
        assertThat(RawHttp.send("GET", url + "/stores/" + STORE + "/42", null).statusCode()).isEqualTo(404);
      } finally {
        clients.forEach(SlowClient::close);
      }
    }
  }

  @Test
  void badServeFlagsFailInOneLine(@TempDir Path temp) throws Exception {
    String data = temp.resolve("data").toString();
    Path shortToken = Files.writeString(temp.resolve("short.token"), "xyzzy");
    Path goodToken = Files.writeString(temp.resolve("good.token"), TOKEN);
    assertOneLine(2, "admin token file " + temp.resolve("nope") + " does not exist",
        "serve", "--data-dir", data, "--admin-token-file", temp.resolve("nope").toString());
    assertOneLine(2, "admin token file " + shortToken + " holds a token of 5 characters; use at least 16",
        "serve", "--data-dir", data, "--admin-token-file", shortToken.toString());
    assertOneLine(2, "--insecure-admin and an admin token", "serve", "--data-dir", data, "--admin-token-file", goodToken.toString(),
        "--insecure-admin");
    assertOneLine(2, "push directory " + temp.resolve("nope") + " is not an existing directory",
        "serve", "--data-dir", data, "--push-dir", temp + "," + temp.resolve("nope"));
    assertOneLine(2, "--bind 'no-such-host.invalid' is neither an IP address nor a host name", "serve", "--data-dir", data,
        "--bind", "no-such-host.invalid");
    assertOneLine(2, "--request-timeout must be a whole number of seconds", "serve", "--data-dir", data, "--request-timeout", "1500ms");
    assertOneLine(2, "--max-connections (2) must be at least --http-threads (4)", "serve", "--data-dir", data,
        "--max-connections", "2", "--http-threads", "4");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertOneLine(2, "cannot listen on 127.0.0.1 port " + taken.getLocalPort() + ": ", "serve", "--data-dir", data,
          "--bootstrapServers", NO_KAFKA, "--port", Integer.toString(taken.getLocalPort()));
    }
  }

  private static void assertOneLine(int code, String message, String... args) {
    CliRun run = CliRun.of(args);
    assertThat(run.code()).as(String.join(" ", args) + "\n" + run.err()).isEqualTo(code);
    assertThat(run.err().strip()).startsWith("vigil store serve: " + message).doesNotContain("\n", "xyzzy", TOKEN);
  }

  private static long busyConnections(String metrics) {
    Matcher m = Pattern.compile("(?m)^vigil_store_http_connections_busy (\\d+)$").matcher(metrics);
    assertThat(m.find()).as("busy connections gauge in\n" + metrics).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static void connect(InetAddress address, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 2_000);
    }
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * A client that sends a request's bytes one every 100 ms and never finishes (or sends nothing at all),
   * and notes when the server closes its connection.
   */
  private static final class SlowClient implements AutoCloseable {
    private static final byte[] REQUEST = ("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "a".repeat(100_000))
        .getBytes(StandardCharsets.US_ASCII);
    private final Socket socket = new Socket();
    private final boolean trickles;
    volatile int bytesSent;
    volatile Duration closedAfter;
    volatile boolean answered;

    private SlowClient(boolean trickles) {
      this.trickles = trickles;
    }

    static SlowClient start(int port, boolean trickles) throws IOException {
      SlowClient client = new SlowClient(trickles);
      client.socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
      // The read timeout paces the trickle and is how soon a close is noticed; it synchronises nothing.
      client.socket.setSoTimeout(100);
      Thread thread = new Thread(client::run, "slow-client");
      thread.setDaemon(true);
      thread.start();
      return client;
    }

    private void run() {
      long connected = System.nanoTime();
      try {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        for (int i = 0; i < REQUEST.length; i++) {
          if (trickles) {
            out.write(REQUEST[i]);
            out.flush();
            bytesSent++;
          }
          try {
            if (in.read() == -1) {
              break;
            }
            answered = true;
          } catch (SocketTimeoutException e) {
            // Still open: the next byte.
          }
        }
      } catch (IOException e) {
        // Reset or broken pipe: the server closed the connection.
      }
      closedAfter = Duration.ofNanos(System.nanoTime() - connected);
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // Closing a test socket; nothing to do.
      }
    }
  }
}
