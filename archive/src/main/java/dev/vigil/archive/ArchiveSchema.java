package dev.vigil.archive;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

/**
 * The Parquet row of the archive (written through Avro's object model). Column names are the contract
 * outside tools query: {@code SELECT partition, offset, event_time_ms FROM 'archive/*}{@code /*}{@code /*.parquet'}.
 */
public final class ArchiveSchema {
  public static final String FORMAT = "vigil-archive-v1";

  public static final Schema ROW = SchemaBuilder.record("RawActivityRecord").namespace("dev.vigil.archive").fields()
      .requiredString("topic")
      .requiredInt("partition")
      .requiredLong("offset")
      .requiredLong("kafka_timestamp_ms")
      .requiredLong("event_time_ms")
      .requiredBytes("key")
      .optionalBytes("value") // null: a tombstone, as distinct from an empty value
      .endRecord();

  /** The columns a manifest is built from; reading them skips the record bytes. */
  public static final Schema COORDINATES = SchemaBuilder.record("RawActivityRecord").namespace("dev.vigil.archive").fields()
      .requiredString("topic")
      .requiredInt("partition")
      .requiredLong("offset")
      .requiredLong("event_time_ms")
      .endRecord();

  private ArchiveSchema() {}
}
