package dev.vigil.schemas.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import dev.vigil.schemas.VigilSchemas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaSnapshotTest {

  private static final FieldDescriptorProto.Type INT64 = FieldDescriptorProto.Type.TYPE_INT64;
  private static final FieldDescriptorProto.Type STRING = FieldDescriptorProto.Type.TYPE_STRING;

  @Test
  void committedBaselineMatchesCompiledSchemas() throws Exception {
    Path baselineFile = Path.of("src/main/baseline/vigil-v1.baseline");
    SchemaSnapshot baseline = SchemaSnapshot.parse(Files.readAllLines(baselineFile));
    SchemaSnapshot current = SchemaSnapshot.of(VigilSchemas.files());

    assertThat(current.breakingChangesSince(baseline)).isEmpty();
    assertThat(current.additionsSince(baseline)).as("baseline is up to date").isEmpty();
    assertThat(baseline.toLines()).contains("field vigil.v1.ActivityEvent 2 member_id INT64 singular");
  }

  @Test
  void addingFieldsAndValuesIsCompatible() throws Exception {
    SchemaSnapshot v1 = snapshot(event(field("member_id", 1, INT64)), eventType("PAGE_VIEW"));
    SchemaSnapshot v2 = snapshot(event(field("member_id", 1, INT64), field("ip", 2, STRING)),
        eventType("PAGE_VIEW", "SEARCH"));

    assertThat(v2.breakingChangesSince(v1)).isEmpty();
    assertThat(v2.additionsSince(v1)).containsExactlyInAnyOrder("field test.Event 2", "value test.Type 2");
  }

  @Test
  void removedFieldIsBreaking() throws Exception {
    SchemaSnapshot v1 = snapshot(event(field("member_id", 1, INT64), field("ip", 2, STRING)), eventType("A"));
    SchemaSnapshot v2 = snapshot(event(field("member_id", 1, INT64)), eventType("A"));

    assertThat(v2.breakingChangesSince(v1)).singleElement().asString()
        .contains("field test.Event 2").contains("removed");
  }

  @Test
  void renumberedFieldIsBreaking() throws Exception {
    SchemaSnapshot v1 = snapshot(event(field("member_id", 1, INT64)), eventType("A"));
    SchemaSnapshot v2 = snapshot(event(field("member_id", 5, INT64)), eventType("A"));

    assertThat(v2.breakingChangesSince(v1)).singleElement().asString().contains("field test.Event 1").contains("removed");
  }

  @Test
  void changedTypeIsBreaking() throws Exception {
    SchemaSnapshot v1 = snapshot(event(field("member_id", 1, INT64)), eventType("A"));
    SchemaSnapshot v2 = snapshot(event(field("member_id", 1, STRING)), eventType("A"));

    assertThat(v2.breakingChangesSince(v1)).singleElement().asString()
        .contains("changed from 'member_id INT64 singular' to 'member_id STRING singular'");
  }

  @Test
  void removedEnumValueIsBreaking() throws Exception {
    SchemaSnapshot v1 = snapshot(event(field("member_id", 1, INT64)), eventType("A", "B"));
    SchemaSnapshot v2 = snapshot(event(field("member_id", 1, INT64)), eventType("A"));

    assertThat(v2.breakingChangesSince(v1)).singleElement().asString().contains("value test.Type 2");
  }

  @Test
  void textFormRoundTrips() throws Exception {
    SchemaSnapshot v1 = snapshot(event(field("member_id", 1, INT64), field("ip", 2, STRING)), eventType("A", "B"));
    SchemaSnapshot parsed = SchemaSnapshot.parse(v1.toLines());

    assertThat(parsed.toLines()).isEqualTo(v1.toLines());
    assertThat(parsed.breakingChangesSince(v1)).isEmpty();
    assertThat(v1.breakingChangesSince(parsed)).isEmpty();
  }

  private static SchemaSnapshot snapshot(DescriptorProto message, EnumDescriptorProto enumType)
      throws DescriptorValidationException {
    FileDescriptorProto file = FileDescriptorProto.newBuilder()
        .setName("test.proto").setPackage("test").setSyntax("proto3")
        .addMessageType(message).addEnumType(enumType).build();
    return SchemaSnapshot.of(List.of(FileDescriptor.buildFrom(file, new FileDescriptor[0])));
  }

  private static DescriptorProto event(FieldDescriptorProto... fields) {
    return DescriptorProto.newBuilder().setName("Event").addAllField(List.of(fields)).build();
  }

  private static FieldDescriptorProto field(String name, int number, FieldDescriptorProto.Type type) {
    return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
        .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL).build();
  }

  private static EnumDescriptorProto eventType(String... values) {
    EnumDescriptorProto.Builder e = EnumDescriptorProto.newBuilder().setName("Type")
        .addValue(EnumValueDescriptorProto.newBuilder().setName("UNSPECIFIED").setNumber(0));
    for (int i = 0; i < values.length; i++) {
      e.addValue(EnumValueDescriptorProto.newBuilder().setName(values[i]).setNumber(i + 1));
    }
    return e.build();
  }
}
