package io.stratoflow.datastore;

import io.stratoflow.datastore.s3.S3TestServer;
import io.stratoflow.datastore.storage.MissingKeyException;
import io.stratoflow.datastore.storage.S3Settings;
import io.stratoflow.datastore.storage.S3Storage;
import io.stratoflow.datastore.storage.Storage;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.engine.RunState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The datastore on a real S3 server (versitygw), opened as users open it: {@code Datastore.open(s3 location)}. */
@ExtendWith(S3TestServer.Extension.class)
class S3DatastoreTest {

    private static final int MIB = 1 << 20;

    private final S3TestServer server = S3TestServer.shared();
    private String prefix;
    private Datastore datastore;

    @BeforeEach
    void open() {
        prefix = "test-" + UUID.randomUUID();
        datastore = Datastore.open(server.location(prefix), server.settings());
    }

    @AfterEach
    void close() {
        datastore.close();
    }

    @Test
    void smallArtifactsAndRecordsRoundTrip() {
        datastore.checkWritable();
        ArtifactCodec codec = datastore.artifacts();
        ArtifactRef ref = codec.write("greeting", String.class, "hello from S3");
        ArtifactRef scores = codec.write("scores", new TypeHolder<Map<String, List<Double>>>() { }.type(),
                Map.of("US", List.of(0.5, 0.75), "BR", List.of(0.25)));

        assertThat(codec.read("greeting", ref, String.class)).isEqualTo("hello from S3");
        assertThat(codec.read("scores", scores, new TypeHolder<Map<String, List<Double>>>() { }.type()))
                .isEqualTo(Map.of("US", List.of(0.5, 0.75), "BR", List.of(0.25)));
        assertThat(datastore.content().contains(ref.hash())).isTrue();
        assertThat(datastore.location()).isEqualTo(server.location(prefix));
        assertThat(datastore.isLocal()).isFalse();
        assertThat(keys("objects/" + ref.hash().substring(0, 2) + "/")).containsExactly(
                prefix + "/objects/" + ref.hash().substring(0, 2) + "/" + ref.hash().substring(2));
    }

    @Test
    void runsStepsAndTasksAreListedWithTheLocalLayout() {
        RunStore runs = datastore.runs();
        String first = runs.createRun("TrainFlow", 1_000L);
        String second = runs.createRun("TrainFlow", 1_000L);
        assertThat(first).isEqualTo("1000");
        assertThat(second).isEqualTo("1001");
        ArtifactRef param = datastore.artifacts().write("alpha", Double.class, 0.5);
        runs.writeRun(new RunRecord("TrainFlow", first, "x.TrainFlow", RunPhase.RUNNING, 1_000L, null, null, Map.of("alpha", param), null, null));
        runs.writeRun(new RunRecord("TrainFlow", second, "x.TrainFlow", RunPhase.SUCCEEDED, 2_000L, 3_000L, null, Map.of(), null, null));
        runs.writeState("TrainFlow", first, new RunState(4, 100));
        for (String task : List.of("10", "2", "1.3")) {
            runs.writeTask("TrainFlow", first, new TaskRecord("train", task, 0, TaskRecord.SUCCEEDED, Map.of("alpha", param), null, null, 1, 2, null));
        }
        runs.writeTask("TrainFlow", first, new TaskRecord("start", "0", 0, TaskRecord.SUCCEEDED, Map.of(), 3, null, 1, 2, null));

        assertThat(runs.listFlows()).containsExactly("TrainFlow");
        assertThat(runs.listRuns("TrainFlow")).extracting(RunRecord::runId).containsExactly(second, first);
        assertThat(runs.readRun("TrainFlow", first).orElseThrow().parameters()).containsEntry("alpha", param);
        assertThat(runs.readState("TrainFlow", first)).isPresent();
        assertThat(runs.readState("TrainFlow", second)).isEmpty();
        assertThat(runs.listSteps("TrainFlow", first)).containsExactlyInAnyOrder("start", "train");
        assertThat(runs.listTasks("TrainFlow", first, "train")).extracting(TaskRecord::taskId).containsExactly("1.3", "2", "10");
        assertThat(runs.readTask("TrainFlow", first, "start", "0").orElseThrow().splits()).isEqualTo(3);
        assertThat(runs.readTask("TrainFlow", first, "start", "9")).isEmpty();
        assertThat(keys("flows/TrainFlow/" + first + "/")).contains(
                prefix + "/flows/TrainFlow/" + first + "/run.json",
                prefix + "/flows/TrainFlow/" + first + "/state.json",
                prefix + "/flows/TrainFlow/" + first + "/train/1.3/task.json");
    }

    @Test
    void concurrentRunsGetDistinctIds() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> ids = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                ids.add(threads.submit(() -> datastore.runs().createRun("Racing", 5_000L)));
            }
            Set<String> distinct = ConcurrentHashMap.newKeySet();
            for (Future<String> id : ids) {
                distinct.add(id.get());
            }
            assertThat(distinct).hasSize(24);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void logsAreStoredPerAttemptAndStreamAndReadByKey() throws Exception {
        RunStore runs = datastore.runs();
        String run = runs.createRun("LogFlow", 7L);
        runs.storeLog("LogFlow", run, "work", "0", 0, "stdout", utf8("first attempt\n"));
        runs.storeLog("LogFlow", run, "work", "0", 1, "stdout", utf8("second attempt\n"));
        runs.storeLog("LogFlow", run, "work", "0", 1, "stderr", utf8("a warning\n"));

        assertThat(read(runs.openLog("LogFlow", run, "work", "0", 0, "stdout").orElseThrow())).isEqualTo("first attempt\n");
        assertThat(read(runs.openLatestLog("LogFlow", run, "work", "0", "stdout").orElseThrow())).isEqualTo("second attempt\n");
        assertThat(read(runs.openLatestLog("LogFlow", run, "work", "0", "stderr").orElseThrow())).isEqualTo("a warning\n");
        assertThat(runs.openLog("LogFlow", run, "work", "0", 2, "stdout")).isEmpty();
        assertThat(runs.openLatestLog("LogFlow", run, "work", "1", "stdout")).isEmpty();
        assertThat(runs.localLogFile("LogFlow", run, "work", "0", 0, "stdout")).isEmpty();
        assertThatThrownBy(() -> runs.logFile("LogFlow", run, "work", "0", 0, "stdout"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("s3://").hasMessageContaining("openLog");
        assertThat(keys("flows/LogFlow/" + run + "/work/0/")).contains(prefix + "/flows/LogFlow/" + run + "/work/0/attempt-1.stderr.log");

        String resumed = runs.createRun("LogFlow", 8L);
        runs.copyLogs("LogFlow", run, resumed, "work", "0");
        assertThat(read(runs.openLatestLog("LogFlow", resumed, "work", "0", "stdout").orElseThrow())).isEqualTo("second attempt\n");
    }

    @Test
    void oneListingShowsEveryLogOfARunWithItsSizeAndWhichTasksEnded() throws Exception {
        RunStore runs = datastore.runs();
        String run = runs.createRun("LogFlow", 9L);
        runs.storeLog("LogFlow", run, "train", "10", 0, "stdout", utf8("epoch 1\nepoch 2\n"));
        runs.storeLog("LogFlow", run, "train", "2", 1, "stderr", utf8("a warning\n"));
        runs.storeLog("LogFlow", run, "train", "2", 0, "stdout", utf8("tried\n"));
        runs.writeTask("LogFlow", run, new TaskRecord("train", "2", 1, TaskRecord.SUCCEEDED, Map.of(), null, null, 1, 2, null));

        RunOutputListing listing = runs.listOutput("LogFlow", run);
        assertThat(listing.logs()).containsExactly(
                new RunOutputListing.TaskLog("train", "2", 0, "stdout", 6),
                new RunOutputListing.TaskLog("train", "2", 1, "stderr", 10),
                new RunOutputListing.TaskLog("train", "10", 0, "stdout", 16));
        assertThat(listing.ended("train", "2")).isTrue();
        assertThat(listing.ended("train", "10")).isFalse();
        assertThat(read(runs.openLog("LogFlow", run, "train", "10", 0, "stdout", 8).orElseThrow())).isEqualTo("epoch 2\n");
        assertThat(read(runs.openLog("LogFlow", run, "train", "10", 0, "stdout", 16).orElseThrow())).isEmpty();
        assertThat(runs.openLog("LogFlow", run, "train", "11", 0, "stdout", 3)).isEmpty();
    }

    @Test
    void identicalArtifactsAreStoredOnce() throws Exception {
        ArtifactRef first = datastore.artifacts().write("a", String.class, "same value");
        ArtifactRef second = datastore.artifacts().write("b", String.class, "same value");
        assertThat(second.hash()).isEqualTo(first.hash());
        assertThat(keys("objects/")).hasSize(1);

        byte[] chunk = randomBytes(3 * MIB + 123, 11);
        String big = datastore.content().put(out -> out.write(chunk));
        int stored = keys("objects/").size();
        String again = datastore.content().put(out -> out.write(chunk));
        assertThat(again).isEqualTo(big);
        assertThat(keys("objects/")).hasSize(stored);
    }

    @Test
    void largeArtifactRoundTripsThroughTheCodec() {
        Random random = new Random(3);
        List<String> rows = Stream.generate(() -> Long.toHexString(random.nextLong()) + "," + random.nextDouble())
                .limit(600_000).toList(); // about 20 MB of JSON: more than two chunks
        ArtifactRef ref = datastore.artifacts().write("rows", new TypeHolder<List<String>>() { }.type(), rows);
        assertThat(datastore.artifacts().read("rows", ref, new TypeHolder<List<String>>() { }.type())).isEqualTo(rows);
    }

    @Test
    void aLargeArtifactIsSentInFiveMebibyteChunksAndAKeyOfUnknownLengthAsAMultipartUpload() throws Exception {
        int partSize = 5 * MIB;
        try (Datastore small = Datastore.open(server.location(prefix + "-parts"), server.settings().withPartSize(partSize).withChunkSize(partSize))) {
            long size = 64L * MIB + 77;
            MessageDigest expected = MessageDigest.getInstance("SHA-256");
            String hash = small.content().put(out -> generate(size, 99, bytes -> {
                expected.update(bytes);
                out.write(bytes);
            }));
            assertThat(hash).isEqualTo(HexFormat.of().formatHex(expected.digest()));
            assertThat(keysUnder(prefix + "-parts/objects/")).as("the pack's index").hasSize(1);
            List<String> packs = keysUnder(prefix + "-parts/packs/");
            assertThat(packs).hasSize(1);
            try (S3Client client = server.client()) {
                String etag = client.headObject(b -> b.bucket(server.bucket()).key(packs.get(0))).eTag();
                assertThat(etag).as("13 chunks of 5 MiB, stored raw, sent as one multipart upload of 13 parts").endsWith("-13\"");
            }
            MessageDigest read = MessageDigest.getInstance("SHA-256");
            long total = 0;
            try (InputStream in = small.content().open(hash)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; total += n) {
                    read.update(buffer, 0, n);
                }
            }
            assertThat(total).isEqualTo(size);
            assertThat(HexFormat.of().formatHex(read.digest())).isEqualTo(hash);

            Storage storage = small.storage();
            storage.write("logs/big.log", out -> generate(size, 5, out::write));
            try (S3Client client = server.client()) {
                String etag = client.headObject(b -> b.bucket(server.bucket()).key(prefix + "-parts/logs/big.log")).eTag();
                assertThat(etag).as("a multipart upload's ETag ends with its part count").endsWith("-13\"");
            }
            assertThat(((S3Storage) storage).size("logs/big.log")).contains(size);
        }
    }

    @Test
    void aMissingObjectNamesItsHashAndTheStore() {
        String hash = "cd".repeat(32);
        assertThat(datastore.content().contains(hash)).isFalse();
        assertThatThrownBy(() -> datastore.content().open(hash))
                .isInstanceOf(MissingKeyException.class)
                .hasMessageContaining(hash).hasMessageContaining("s3://" + server.bucket() + "/" + prefix);
        assertThatThrownBy(() -> datastore.storage().read("flows/none.json"))
                .isInstanceOf(MissingKeyException.class)
                .hasMessageContaining("flows/none.json").hasMessageContaining(server.endpoint());
    }

    @Test
    void aBucketThatDoesNotExistIsNamedWithTheWayOut() {
        DatastoreLocation missing = new DatastoreLocation("s3://no-such-bucket/runs", server.endpoint(), null, true);
        try (Datastore nowhere = Datastore.open(missing, server.settings())) {
            assertThatThrownBy(nowhere::checkWritable)
                    .isInstanceOf(DatastoreException.class)
                    .hasMessageContaining("'no-such-bucket' does not exist at " + server.endpoint())
                    .hasMessageContaining("Create it").hasMessageContaining("fix the datastore root s3://no-such-bucket/runs");
            assertThatThrownBy(() -> nowhere.artifacts().write("x", String.class, "value"))
                    .isInstanceOf(DatastoreException.class)
                    .hasMessageContaining("Artifact 'x'").hasMessageContaining("'no-such-bucket' does not exist");
            assertThatThrownBy(() -> nowhere.runs().listRuns("F"))
                    .isInstanceOf(DatastoreException.class).hasMessageContaining("'no-such-bucket' does not exist");
        }
    }

    @Test
    void wrongCredentialsAreNamedWithTheVariablesToSet() {
        S3Settings wrong = S3Settings.defaults().withCredentials(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(S3TestServer.ACCESS_KEY, "not-the-secret")));
        try (Datastore refused = Datastore.open(server.location(prefix), wrong)) {
            assertThatThrownBy(refused::checkWritable)
                    .isInstanceOf(DatastoreException.class)
                    .hasMessageContaining(server.endpoint()).hasMessageContaining("'" + server.bucket() + "'")
                    .hasMessageContaining("AWS_ACCESS_KEY_ID").hasMessageContaining("AWS_SECRET_ACCESS_KEY").hasMessageContaining("AWS_PROFILE");
            assertThatThrownBy(() -> refused.artifacts().write("x", String.class, "value"))
                    .isInstanceOf(DatastoreException.class).hasMessageContaining("AWS_ACCESS_KEY_ID");
        }
        S3Settings unknown = S3Settings.defaults().withCredentials(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("nobody", "nothing")));
        try (Datastore refused = Datastore.open(server.location(prefix), unknown)) {
            assertThatThrownBy(() -> refused.runs().readRun("F", "1"))
                    .isInstanceOf(DatastoreException.class).hasMessageContaining("AWS_ACCESS_KEY_ID");
            assertThatThrownBy(refused::checkWritable)
                    .isInstanceOf(DatastoreException.class).hasMessageContaining("rejected the credentials")
                    .hasMessageNotContaining("does not exist");
        }
    }

    @Test
    void anUnreachableEndpointFailsFastNamingIt() throws Exception {
        String closed = "http://127.0.0.1:" + S3TestServer.freePort();
        DatastoreLocation location = new DatastoreLocation("s3://" + server.bucket() + "/x", closed, null, true);
        long start = System.nanoTime();
        try (Datastore unreachable = Datastore.open(location, server.settings())) {
            assertThatThrownBy(unreachable::checkWritable)
                    .isInstanceOf(DatastoreException.class)
                    .hasMessageContaining("Cannot reach the S3 endpoint " + closed).hasMessageContaining("refused")
                    .hasMessageContaining("Start the S3 server").hasMessageContaining("AWS_ENDPOINT_URL_S3");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void aRegionIsNotNeededWithAnEndpoint() {
        DatastoreLocation noRegion = new DatastoreLocation("s3://" + server.bucket() + "/" + prefix, server.endpoint(), null, null);
        try (Datastore store = Datastore.open(noRegion, server.settings())) {
            store.checkWritable(); // us-east-1, path-style because the endpoint is a loopback address
        }
    }

    private List<String> keys(String under) {
        return keysUnder(prefix + "/" + under);
    }

    private List<String> keysUnder(String fullPrefix) {
        try (S3Client client = server.client()) {
            return client.listObjectsV2Paginator(b -> b.bucket(server.bucket()).prefix(fullPrefix)).contents().stream()
                    .map(S3Object::key).toList();
        }
    }

    interface Sink {
        void accept(byte[] bytes) throws IOException;
    }

    /** Pseudo-random bytes, a buffer at a time: never the whole content in memory. */
    static void generate(long size, long seed, Sink sink) throws IOException {
        Random random = new Random(seed);
        byte[] buffer = new byte[1 << 20];
        for (long left = size; left > 0; ) {
            int n = (int) Math.min(buffer.length, left);
            random.nextBytes(buffer);
            sink.accept(n == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, n));
            left -= n;
        }
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static InputStream utf8(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String read(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
