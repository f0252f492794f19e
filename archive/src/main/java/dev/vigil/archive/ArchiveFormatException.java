package dev.vigil.archive;

/** An archive file or row that cannot be read; names the file and row (-1: the file as a whole). */
public final class ArchiveFormatException extends RuntimeException {
  private final String file;
  private final long row;

  public ArchiveFormatException(String file, long row, String reason, Throwable cause) {
    super(file + (row >= 0 ? " row " + row : "") + ": " + reason, cause);
    this.file = file;
    this.row = row;
  }

  public String file() {
    return file;
  }

  public long row() {
    return row;
  }
}
