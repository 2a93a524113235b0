package io.stratoflow.datastore.s3;

import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.datastore.storage.S3Settings;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real S3 server for tests and benchmarks: versitygw with its POSIX backend, on a free
 * loopback port, storing in a temporary directory, with one bucket created. The binary comes
 * from {@code dev/build-s3-server.sh} (run here when it is missing, about 80 s on idle cores).
 *
 * <p>As a JUnit 5 extension ({@code @ExtendWith(S3TestServer.Extension.class)}), one server is started
 * for the whole test run and stopped after the last test; {@link #shared()} gives it to the
 * tests. A benchmark starts its own with {@link #start(Path)} and closes it.
 */
public final class S3TestServer implements AutoCloseable {

    public static final String ACCESS_KEY = "stratoflow-test";
    public static final String SECRET_KEY = "stratoflow-test-secret";
    public static final String BUCKET = "stratoflow-test";

    private static S3TestServer shared;

    private Process process;
    private final String host;
    private final Path directory;
    private final String endpoint;
    private final Path log;

    private S3TestServer(Process process, String host, Path directory, String endpoint, Path log) {
        this.process = process;
        this.host = host;
        this.directory = directory;
        this.endpoint = endpoint;
        this.log = log;
    }

    /** The server of this test run (the extension must have started it). */
    public static synchronized S3TestServer shared() {
        if (shared == null) {
            shared = start(null);
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    private record Stopper(S3TestServer server) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }

    /** Starts the shared server before the first test class that uses it and stops it after the last test. */
    public static final class Extension implements BeforeAllCallback {

        @Override
        public void beforeAll(ExtensionContext context) {
            S3TestServer server = shared();
            context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .getOrComputeIfAbsent(S3TestServer.class, k -> new Stopper(server));
        }
    }

    /** Starts a server storing under {@code dataDirectory} (a new temporary directory when null), on loopback. */
    public static S3TestServer start(Path dataDirectory) {
        return start(dataDirectory, "127.0.0.1");
    }

    /** Starts a server listening on {@code host}, an address of this machine (one that a cluster's Pods reach, say). */
    public static S3TestServer start(Path dataDirectory, String host) {
        try {
            Path binary = binary();
            Path directory = dataDirectory != null ? Files.createDirectories(dataDirectory) : Files.createTempDirectory("stratoflow-s3-");
            Files.createDirectories(directory.resolve("data"));
            // Metadata in sidecar files, not extended attributes: ext4 keeps all of a file's
            // attributes in one 4 KiB block, and a multipart upload of 6 GiB in 8 MiB parts
            // needs more (versitygw then fails the completion with "no space left on device").
            Files.createDirectories(directory.resolve("metadata"));
            int port = freePort(host);
            Path log = directory.resolve("versitygw.log");
            Process process = launch(binary, host, port, directory, log);
            S3TestServer server = new S3TestServer(process, host, directory, "http://" + host + ":" + port, log);
            server.awaitListening(port);
            try (S3Client client = server.client()) {
                client.createBucket(b -> b.bucket(BUCKET));
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code --keep-alive}: like S3, keep connections open between requests (versitygw closes each one by default). */
    private static Process launch(Path binary, String host, int port, Path directory, Path log) throws IOException {
        return new ProcessBuilder(binary.toString(), "--port", host + ":" + port, "--access", ACCESS_KEY,
                "--secret", SECRET_KEY, "--region", "us-east-1", "--quiet", "--keep-alive", "posix", "--sidecar", directory.resolve("metadata").toString(),
                directory.resolve("data").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** Stops the server, keeping its data, so that a test can see what an unreachable endpoint does; {@link #resume()} undoes it. */
    public synchronized void pause() {
        stopProcess();
    }

    /** Starts the server again on the same port with the same data. */
    public synchronized void resume() {
        try {
            int port = java.net.URI.create(endpoint).getPort();
            process = launch(binary(), host, port, directory, log);
            awaitListening(port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String endpoint() {
        return endpoint;
    }

    public String bucket() {
        return BUCKET;
    }

    /** A location in the test bucket, under its own prefix so tests do not see each other's runs. */
    public DatastoreLocation location(String prefix) {
        return new DatastoreLocation("s3://" + BUCKET + "/" + prefix, endpoint, "us-east-1", true);
    }

    /** Default settings with the server's credentials. */
    public S3Settings settings() {
        return S3Settings.defaults().withCredentials(credentials());
    }

    public static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    /** A plain SDK client for the server, configured as STACK.md says S3-compatible servers need. */
    public S3Client client() {
        return S3Client.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1).credentialsProvider(credentials())
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    /** Where the server keeps a key of the test bucket, to look at what was stored. */
    public Path fileOf(String key) {
        return directory.resolve("data").resolve(BUCKET).resolve(key);
    }

    @Override
    public void close() {
        stopProcess();
        deleteDirectory();
    }

    private void stopProcess() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deleteDirectory() {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException ignored) {
            // a temporary directory: the system cleans it eventually
        }
    }

    private void awaitListening(int port) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("versitygw exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getByName(host), port), 200);
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        process.destroyForcibly();
        throw new IOException("versitygw did not listen on port " + port + " within 60 s: " + Files.readString(log));
    }

    /** The versitygw binary, built by dev/build-s3-server.sh when it is not there yet. */
    static Path binary() throws IOException {
        String cache = System.getenv("STRATOFLOW_CACHE");
        Path root = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "stratoflow");
        Path binary = root.resolve("bin").resolve("versitygw");
        if (Files.isExecutable(binary)) {
            return binary;
        }
        Path script = buildScript();
        Process build = new ProcessBuilder(List.of("bash", script.toString())).inheritIO().start();
        try {
            if (!build.waitFor(20, TimeUnit.MINUTES) || build.exitValue() != 0) {
                build.destroyForcibly();
                throw new IOException(script + " failed to build versitygw (exit " + (build.isAlive() ? "timeout" : build.exitValue()) + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while building versitygw", e);
        }
        if (!Files.isExecutable(binary)) {
            throw new IOException(script + " ran but " + binary + " is not there");
        }
        return binary;
    }

    private static Path buildScript() throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve("dev").resolve("build-s3-server.sh");
            if (Files.isRegularFile(script)) {
                return script;
            }
        }
        throw new IOException("versitygw is not built and dev/build-s3-server.sh was not found above " + Path.of("").toAbsolutePath());
    }

    /** A loopback port that nothing listens on right now. */
    public static int freePort() throws IOException {
        return freePort("127.0.0.1");
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
