package dev.vigil.store.client;

import java.util.List;

/** Body of {@code POST /stores/{store}/batch-get}: member ids as JSON numbers or decimal strings. */
public record BatchGetRequest(List<String> keys) {}
