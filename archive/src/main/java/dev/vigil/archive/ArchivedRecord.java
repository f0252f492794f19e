package dev.vigil.archive;

import dev.vigil.schemas.v1.RawRecord;

/**
 * One archived Kafka record and the event time the source stamped it with (the value's event time when
 * the job's bounds accepted it, else the record's time), so a replay orders and windows it exactly as the
 * streaming job did.
 */
public record ArchivedRecord(RawRecord raw, long eventTimeMs) {}
