package dev.vigil.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vigil.schemas.v1.MemberActivityPartial;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressMarkersTest {
  @Test
  void aMarkerIsToldFromAPartialByItsKeyAlone() {
    assertThat(ProgressMarkers.isMarker(ProgressMarkers.key())).isTrue();
    assertThat(ProgressMarkers.isMarker(ByteString.copyFrom(ProgressMarkers.key()))).isTrue();
    byte[] memberKey = "42".getBytes(StandardCharsets.UTF_8);
    assertThat(ProgressMarkers.isMarker(memberKey)).isFalse();
    assertThat(ProgressMarkers.isMarker(ByteString.copyFrom(memberKey))).isFalse();
    assertThat(ProgressMarkers.isMarker((byte[]) null)).isFalse();
  }

  @Test
  void theWatermarkRoundTripsAndGarbageHasNone() {
    assertThat(ProgressMarkers.watermarkMs(ProgressMarkers.value(1_796_181_810_000L))).isEqualTo(1_796_181_810_000L);
    assertThat(ProgressMarkers.watermarkMs(new byte[] {(byte) 0xff, 0x01})).isEqualTo(-1);
    assertThat(ProgressMarkers.watermarkMs(null)).isEqualTo(-1);
  }

  @Test
  void theKeyCannotBeChangedThroughACopy() {
    ProgressMarkers.key()[0] = 'x';
    assertThat(ProgressMarkers.isMarker(ProgressMarkers.key())).isTrue();
    assertThat(MemberActivityPartial.getDescriptor().getFile().findMessageTypeByName("ProgressMarker")).isNotNull();
  }
}
