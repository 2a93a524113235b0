package io.stratoflow.datastore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArtifactCodecTest {

    record Score(String country, double value, List<String> tags) {
    }

    enum Stage { TRAIN, TEST }

    /** Fields whose declared types drive serialization, like a flow's artifacts. */
    @SuppressWarnings("unused")
    static final class Artifacts {
        Score score;
        List<Score> scores;
        Map<String, List<Integer>> byCountry;
        Optional<String> present;
        Optional<Score> absent;
        Instant instant;
        LocalDate date;
        LocalDateTime dateTime;
        ZonedDateTime zoned;
        Duration duration;
        int count;
        long big;
        double ratio;
        boolean flag;
        char letter;
        int[] numbers;
        Stage stage;
        String nothing;
        Object anything;
        Opaque opaque;
        InputStream stream;
        Runnable callback;
    }

    /** No properties: nothing Jackson could write or read back. */
    static final class Opaque {
        private final Thread worker = new Thread(() -> { });
    }

    @TempDir
    Path root;

    private ArtifactCodec codec() {
        return new ArtifactCodec(new LocalContentStore(root));
    }

    private static Field field(String name) throws NoSuchFieldException {
        return Artifacts.class.getDeclaredField(name);
    }

    private Object roundTrip(String name, Object value) throws Exception {
        ArtifactCodec codec = codec();
        Field field = field(name);
        ArtifactRef ref = codec.write(name, field.getGenericType(), value);
        return codec.read(name, ref, field.getGenericType());
    }

    @Test
    void recordsCollectionsAndMapsRoundTripByDeclaredType() throws Exception {
        Score score = new Score("JP", 0.71, List.of("best", "final"));
        assertThat(roundTrip("score", score)).isEqualTo(score);

        List<Score> scores = List.of(score, new Score("US", 0.6, List.of()));
        Object readScores = roundTrip("scores", scores);
        assertThat(readScores).isEqualTo(scores);
        assertThat(((List<?>) readScores).get(1)).isInstanceOf(Score.class);

        Map<String, List<Integer>> byCountry = Map.of("US", List.of(1, 2, 3), "BR", List.of());
        assertThat(roundTrip("byCountry", byCountry)).isEqualTo(byCountry);
    }

    @Test
    void optionalsRoundTrip() throws Exception {
        assertThat(roundTrip("present", Optional.of("here"))).isEqualTo(Optional.of("here"));
        assertThat(roundTrip("absent", Optional.empty())).isEqualTo(Optional.empty());
    }

    @Test
    void javaTimeValuesRoundTrip() throws Exception {
        Instant instant = Instant.parse("2024-11-21T10:15:30.123456789Z");
        assertThat(roundTrip("instant", instant)).isEqualTo(instant);
        assertThat(roundTrip("date", LocalDate.of(2024, 2, 29))).isEqualTo(LocalDate.of(2024, 2, 29));
        LocalDateTime dateTime = LocalDateTime.of(2024, 11, 21, 10, 15, 30, 5);
        assertThat(roundTrip("dateTime", dateTime)).isEqualTo(dateTime);
        ZonedDateTime zoned = ZonedDateTime.of(dateTime, ZoneId.of("Europe/Paris"));
        assertThat(((ZonedDateTime) roundTrip("zoned", zoned)).toInstant()).isEqualTo(zoned.toInstant());
        assertThat(roundTrip("duration", Duration.ofMillis(90_061_001))).isEqualTo(Duration.ofMillis(90_061_001));
    }

    @Test
    void primitivesArraysEnumsAndNullRoundTrip() throws Exception {
        assertThat(roundTrip("count", 42)).isEqualTo(42);
        assertThat(roundTrip("big", Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(roundTrip("ratio", 0.1 + 0.2)).isEqualTo(0.1 + 0.2);
        assertThat(roundTrip("flag", true)).isEqualTo(true);
        assertThat(roundTrip("letter", 'λ')).isEqualTo('λ');
        assertThat(roundTrip("numbers", new int[] {3, 1, 2})).isEqualTo(new int[] {3, 1, 2});
        assertThat(roundTrip("stage", Stage.TEST)).isEqualTo(Stage.TEST);
        assertThat(roundTrip("nothing", null)).isNull();
    }

    @Test
    void equalValuesShareOneStoredObject() throws Exception {
        ArtifactCodec codec = codec();
        ArtifactRef first = codec.write("score", field("score").getGenericType(), new Score("DE", 0.5, List.of("a")));
        ArtifactRef second = codec.write("other", field("score").getGenericType(), new Score("DE", 0.5, List.of("a")));
        assertThat(second.hash()).isEqualTo(first.hash());
        assertThat(first.type()).contains("Score");
    }

    @Test
    void fieldDeclaredAsObjectIsRefusedNamingTheFieldAndType() throws Exception {
        assertThatThrownBy(() -> codec().write("anything", field("anything").getGenericType(), "a string"))
                .isInstanceOf(ArtifactSerializationException.class)
                .hasMessageContaining("'anything'")
                .hasMessageContaining("java.lang.Object");
    }

    @Test
    void classWithoutPropertiesIsRefusedNamingTheFieldAndType() throws Exception {
        assertThatThrownBy(() -> codec().write("opaque", field("opaque").getGenericType(), new Opaque()))
                .isInstanceOf(ArtifactSerializationException.class)
                .hasMessageContaining("'opaque'")
                .hasMessageContaining(Opaque.class.getName())
                .hasMessageContaining("transient");
    }

    @Test
    void streamsAndInterfacesAreRefusedNamingTheFieldAndType() throws Exception {
        assertThatThrownBy(() -> codec().write("stream", field("stream").getGenericType(), InputStream.nullInputStream()))
                .isInstanceOf(ArtifactSerializationException.class)
                .hasMessageContaining("'stream'")
                .hasMessageContaining("java.io.InputStream");
        assertThatThrownBy(() -> codec().write("callback", field("callback").getGenericType(), (Runnable) () -> { }))
                .isInstanceOf(ArtifactSerializationException.class)
                .hasMessageContaining("'callback'")
                .hasMessageContaining("java.lang.Runnable");
    }

    @Test
    void refusedArtifactLeavesNoObjectBehind() throws Exception {
        try {
            codec().write("opaque", field("opaque").getGenericType(), new Opaque());
        } catch (ArtifactSerializationException expected) {
            // checked above
        }
        assertThat(root.resolve("objects")).doesNotExist();
    }

    @Test
    void readingAsAnIncompatibleTypeNamesTheArtifactAndBothTypes() throws Exception {
        ArtifactCodec codec = codec();
        ArtifactRef ref = codec.write("score", field("score").getGenericType(), new Score("FR", 1.0, List.of()));
        assertThatThrownBy(() -> codec.read("score", ref, field("byCountry").getGenericType()))
                .isInstanceOf(ArtifactSerializationException.class)
                .hasMessageContaining("'score'")
                .hasMessageContaining("Score")
                .hasMessageContaining("java.util.Map");
    }
}
