package dev.vigil.loadtest.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal blocking HTTP/1.1 keep-alive client for load generation (one connection, one request at a
 * time, wrk-style). It measures the server rather than the JDK HttpClient's own per-request overhead.
 */
final class KeepAliveHttpClient implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final String host;

  KeepAliveHttpClient(String host, int port) throws IOException {
    this.socket = new Socket(host, port);
    socket.setTcpNoDelay(true);
    this.out = socket.getOutputStream();
    this.in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
    this.host = host + ":" + port;
  }

  /** Sends one request and reads the whole answer; returns the status code. */
  int exchange(String method, String path, byte[] body) throws IOException {
    StringBuilder head = new StringBuilder(128).append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
        .append(host).append("\r\n");
    if (body != null) {
      head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
    }
    out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    if (body != null) {
      out.write(body);
    }
    out.flush();
    String statusLine = readLine();
    int status = Integer.parseInt(statusLine.substring(9, 12));
    long length = 0;
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
        length = Long.parseLong(line.substring(15).trim());
      }
    }
    in.skipNBytes(length);
    return status;
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder(64);
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed by server");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
