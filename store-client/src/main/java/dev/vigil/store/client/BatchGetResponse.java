package dev.vigil.store.client;

import java.util.List;
import java.util.Map;

/** Answer to a batch-get: every value comes from the one version named here; absent keys are listed. */
public record BatchGetResponse(String store, int version, Map<String, StoredScore> values, List<String> missing) {}
