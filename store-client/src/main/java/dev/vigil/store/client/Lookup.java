package dev.vigil.store.client;

import java.util.Optional;

/** A single read: the version that served it and the value, if the key exists. */
public record Lookup(int servingVersion, Optional<StoredScore> value) {}
