package dev.vigil.core.extract;

import dev.vigil.schemas.v1.ActivityEvent;
import dev.vigil.schemas.v1.DeadLetterReason;

/** The outcome of reading one raw record: a valid event, or a reason it cannot be used. */
public sealed interface ParsedActivity {

  record Valid(ActivityEvent event) implements ParsedActivity {}

  record Rejected(DeadLetterReason reason, String detail) implements ParsedActivity {}
}
