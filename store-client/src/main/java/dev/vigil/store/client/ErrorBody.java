package dev.vigil.store.client;

/** Body of every 4xx/5xx answer: a short machine-readable code and a one-line message. */
public record ErrorBody(String error, String message) {}
