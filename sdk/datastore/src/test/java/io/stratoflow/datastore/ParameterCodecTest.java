package io.stratoflow.datastore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParameterCodecTest {

    static final JavaType STRING = Json.ARTIFACTS.constructType(String.class);
    static final JavaType DOUBLE = Json.ARTIFACTS.constructType(double.class);
    static final JavaType LAYERS = Json.ARTIFACTS.getTypeFactory().constructCollectionType(List.class, Integer.class);
    static final JavaType LIMITS = Json.ARTIFACTS.getTypeFactory().constructMapType(Map.class, String.class, Long.class);

    @Test
    void aStringWithoutALeadingQuoteIsItselfAndAQuotedOneIsJson() throws Exception {
        assertThat(ParameterCodec.decode("hello world", STRING)).isEqualTo("hello world");
        assertThat(ParameterCodec.decode("[1, 2]", STRING)).isEqualTo("[1, 2]");
        assertThat(ParameterCodec.decode("\"quoted\"", STRING)).isEqualTo("quoted");
    }

    @Test
    void anythingElseIsJsonOfItsType() throws Exception {
        assertThat(ParameterCodec.decode("0.25", DOUBLE)).isEqualTo(0.25);
        assertThat(ParameterCodec.decode("[64, 32]", LAYERS)).isEqualTo(List.of(64, 32));
        assertThat(ParameterCodec.decode("{\"cpu\": 4}", LIMITS)).isEqualTo(Map.of("cpu", 4L));
        assertThat(ParameterCodec.decode(null, DOUBLE)).isNull();
    }

    @Test
    void textThatIsNotJsonOfTheTypeIsRefused() {
        assertThatThrownBy(() -> ParameterCodec.decode("fast", DOUBLE)).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> ParameterCodec.decode("[\"a\"]", LAYERS)).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void whatIsEncodedDecodesToTheSameValue() throws Exception {
        assertThat(ParameterCodec.encode("hello world", STRING)).isEqualTo("hello world");
        assertThat(ParameterCodec.encode(0.25, DOUBLE)).isEqualTo("0.25");
        assertThat(ParameterCodec.encode(List.of(64, 32), LAYERS)).isEqualTo("[64,32]");
        assertThat(ParameterCodec.encode(null, STRING)).isNull();
        for (String text : List.of("hello", "\"quoted\"", "\"", "")) {
            assertThat(ParameterCodec.decode(ParameterCodec.encode(text, STRING), STRING)).isEqualTo(text);
        }
        assertThat(ParameterCodec.decode(ParameterCodec.encode(Map.of("cpu", 4L), LIMITS), LIMITS)).isEqualTo(Map.of("cpu", 4L));
    }
}
