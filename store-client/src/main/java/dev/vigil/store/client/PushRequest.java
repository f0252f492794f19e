package dev.vigil.store.client;

/**
 * Body of {@code POST /admin/stores/{store}/push}.
 *
 * @param input a directory (or one file) of JSON-lines {@code AbuseScore} files, readable by the server
 * @param cutoffMs the time the dataset is complete up to; real-time writes from {@code cutoffMs - rewind}
 *     on are replayed on top of it before the new version serves
 */
public record PushRequest(String input, long cutoffMs) {}
