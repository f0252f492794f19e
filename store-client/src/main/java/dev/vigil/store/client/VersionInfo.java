package dev.vigil.store.client;

/**
 * One version of a store.
 *
 * @param state BUILDING (push in progress), ONLINE (complete; serving or a rollback target) or FAILED
 * @param source where its data came from: {@code empty} or the pushed input directory
 * @param cutoffMs the pushed data's cut-off (0 for an empty version)
 * @param rows rows the push wrote (real-time writes since are not counted)
 */
public record VersionInfo(int number, String state, boolean serving, long createdAtMs, String source, long cutoffMs, long rows) {}
