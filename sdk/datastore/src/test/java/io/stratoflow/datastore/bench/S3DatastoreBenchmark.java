package io.stratoflow.datastore.bench;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.s3.S3TestServer;
import io.stratoflow.datastore.storage.S3Settings;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Moves a large artifact (6 GiB by default) to a real S3 server and back, through the
 * datastore and with the raw AWS SDK, and prints MiB/s both ways for both, and the JVM's peak
 * heap. Not a test: a program that prints figures.
 *
 * <pre>
 * ./mvnw -q -pl sdk/datastore -am -Pbenchmark test-compile exec:exec                            # 6 GiB, both contents, -Xmx256m
 * ./mvnw -q -pl sdk/datastore -am -Pbenchmark test-compile exec:exec -Dbench.args="1 random"   # 1 GiB of random bytes
 * </pre>
 *
 * Arguments: the size in GiB (default 6), then which contents (default both):
 * <ul>
 * <li>{@code random}: pseudo-random bytes (xorshift), incompressible, so the datastore stores
 *     them raw (marked {@code R}) after a 64 KiB sample shows deflate would not pay;</li>
 * <li>{@code text}: bytes drawn independently from a skewed 14-letter alphabet (English-like
 *     letter frequencies, about 3.6 bits of entropy per byte), which deflate compresses about
 *     2×, like plain text or CSV.</li>
 * </ul>
 * The content is produced by a generator a megabyte at a time, never held whole in memory or in
 * a file. The datastore path is {@code Datastore.open(s3 location).content().put(…)} and
 * {@code open(hash)} (artifacts of that size are not JSON values: the content store is what
 * carries them): hashing, chunking, compression where it pays (16 MiB chunks, 4 in flight), the
 * encoded chunks sent as one multipart upload of 8 MiB parts, 4 in flight, and read back with
 * one GET, decoded as they stream. The raw path is what a careful user of
 * the SDK writes: a multipart upload of 8 MiB parts, 4 in flight, buffers recycled, then one
 * GET read to the end. Both use the same client settings and the same versitygw (POSIX backend,
 * a temporary directory under {@code java.io.tmpdir}); each object is deleted after it is read
 * back, so the disk needs room for one copy.
 */
public final class S3DatastoreBenchmark {

    private static final int MIB = 1 << 20;
    private static final int PART = Integer.getInteger("bench.partMiB", 8) * MIB;
    private static final int CHUNK = Integer.getInteger("bench.chunkMiB", 16) * MIB;
    private static final int IN_FLIGHT = 4;
    /** Reads are cheap next to writes and noisy on a shared machine: the best of this many counts. */
    private static final int READS = Integer.getInteger("bench.reads", 3);

    public static void main(String[] args) throws Exception {
        long gib = args.length > 0 ? Long.parseLong(args[0]) : 6;
        List<String> contents = args.length > 1 ? List.of(args).subList(1, args.length) : List.of("random", "text");
        long size = gib << 30;
        System.out.printf(Locale.ROOT, "S3 datastore benchmark: %d GiB per transfer, raw SDK %d MiB parts, datastore %d MiB chunks, %d in flight, max heap %d MiB, %d cores%n",
                gib, PART / MIB, CHUNK / MIB, IN_FLIGHT, Runtime.getRuntime().maxMemory() / MIB, Runtime.getRuntime().availableProcessors());
        Path dir = Files.createTempDirectory("stratoflow-s3-bench-");
        try (S3TestServer server = S3TestServer.start(dir);
             S3Client raw = server.client()) {
            System.out.println("versitygw at " + server.endpoint() + ", data in " + dir);
            S3Settings settings = server.settings().withPartSize(PART).withChunkSize(CHUNK).withPartsInFlight(IN_FLIGHT);
            List<String> summary = new ArrayList<>();
            for (String content : contents) {
                Generator generator = Generator.of(content);
                System.out.printf(Locale.ROOT, "%n[%s] generator alone: %.0f MiB/s%n", content, generatorSpeed(generator, Math.min(size, 2L << 30)));

                resetPeaks();
                double rawWrite = timed(size, () -> rawUpload(raw, server.bucket(), "raw/" + content, generator, size));
                double rawRead = 0;
                for (int i = 0; i < READS; i++) {
                    rawRead = Math.max(rawRead, timed(size, () -> check(size, rawDownload(raw, server.bucket(), "raw/" + content))));
                }
                raw.deleteObject(b -> b.bucket(server.bucket()).key("raw/" + content));
                String rawHeap = peakHeap();

                resetPeaks();
                String[] hash = new String[1];
                long stored;
                double storeWrite;
                double storeRead;
                try (Datastore datastore = Datastore.open(server.location("bench-" + content), settings)) {
                    storeWrite = timed(size, () -> hash[0] = datastore.content().put(out -> generator.writeTo(out, size)));
                    stored = storedBytes(raw, server.bucket(), "bench-" + content + "/");
                    storeRead = 0;
                    for (int i = 0; i < READS; i++) {
                        storeRead = Math.max(storeRead, timed(size, () -> {
                            try (InputStream in = datastore.content().open(hash[0])) {
                                check(size, drain(in));
                            }
                        }));
                    }
                }
                deleteAll(raw, server.bucket(), "bench-" + content + "/");
                String storeHeap = peakHeap();

                System.out.printf(Locale.ROOT, "[%s] raw SDK    write %7.1f MiB/s   read %7.1f MiB/s   %s%n",
                        content, rawWrite, rawRead, rawHeap);
                System.out.printf(Locale.ROOT, "[%s] datastore  write %7.1f MiB/s   read %7.1f MiB/s   %s   stored %.0f MiB (%.2f of the content)%n",
                        content, storeWrite, storeRead, storeHeap, stored / (double) MIB, stored / (double) size);
                summary.add(String.format(Locale.ROOT, "%-6s datastore/raw: write %3.0f %%, read %3.0f %%", content,
                        100 * storeWrite / rawWrite, 100 * storeRead / rawRead));
            }
            System.out.println();
            summary.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "JVM peak heap over the whole run: %d MiB in use, %d MiB live after GC (max %d MiB)%n",
                    peakInUseEver / MIB, peakLiveEver / MIB, Runtime.getRuntime().maxMemory() / MIB);
        } finally {
            deleteTree(dir);
        }
    }

    interface Transfer {
        void run() throws Exception;
    }

    /** Runs a transfer and returns its throughput in MiB/s. */
    private static double timed(long bytes, Transfer transfer) throws Exception {
        long start = System.nanoTime();
        transfer.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        return bytes / (double) MIB / seconds;
    }

    // the raw SDK

    private static void rawUpload(S3Client client, String bucket, String key, Generator generator, long size) throws Exception {
        String uploadId = client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        ExecutorService threads = Executors.newFixedThreadPool(IN_FLIGHT);
        BlockingQueue<byte[]> spare = new ArrayBlockingQueue<>(IN_FLIGHT + 1);
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        List<Future<CompletedPart>> parts = new ArrayList<>();
        try {
            Generator.State state = generator.start();
            for (long sent = 0; sent < size; ) {
                byte[] buffer = spare.poll();
                if (buffer == null) {
                    buffer = new byte[PART];
                }
                int length = (int) Math.min(PART, size - sent);
                state.fill(buffer, 0, length);
                sent += length;
                inFlight.acquire();
                byte[] part = buffer;
                int number = parts.size() + 1;
                parts.add(threads.submit(() -> {
                    try {
                        String etag = client.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
                                        .contentLength((long) length),
                                RequestBody.fromContentProvider(() -> new ByteArrayInputStream(part, 0, length), length,
                                        "application/octet-stream")).eTag();
                        return CompletedPart.builder().partNumber(number).eTag(etag).build();
                    } finally {
                        spare.offer(part);
                        inFlight.release();
                    }
                }));
            }
            List<CompletedPart> completed = new ArrayList<>();
            for (Future<CompletedPart> part : parts) {
                completed.add(part.get());
            }
            client.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(completed)));
        } finally {
            threads.shutdownNow();
        }
    }

    private static long rawDownload(S3Client client, String bucket, String key) throws IOException {
        try (InputStream in = client.getObject(b -> b.bucket(bucket).key(key))) {
            return drain(in);
        }
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[256 * 1024];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
        }
        return total;
    }

    private static void check(long expected, long actual) {
        if (expected != actual) {
            throw new IllegalStateException("read back " + actual + " bytes, not " + expected);
        }
    }

    private static long storedBytes(S3Client client, String bucket, String prefix) {
        return client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream().mapToLong(S3Object::size).sum();
    }

    private static void deleteAll(S3Client client, String bucket, String prefix) {
        for (S3Object object : client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            client.deleteObject(b -> b.bucket(bucket).key(object.key()));
        }
    }

    private static double generatorSpeed(Generator generator, long bytes) throws Exception {
        return timed(bytes, () -> generator.writeTo(OutputStream.nullOutputStream(), bytes));
    }

    // peak heap, from the memory pool MXBeans

    private static final List<MemoryPoolMXBean> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
    private static volatile long peakInUse;
    private static volatile long peakLive;
    private static long peakInUseEver;
    private static long peakLiveEver;

    static {
        Thread sampler = new Thread(() -> {
            while (true) {
                long inUse = 0;
                long live = 0;
                for (MemoryPoolMXBean pool : HEAP_POOLS) {
                    inUse += pool.getUsage().getUsed();
                    if (pool.getCollectionUsage() != null) {
                        live += pool.getCollectionUsage().getUsed();
                    }
                }
                peakInUse = Math.max(peakInUse, inUse);
                peakLive = Math.max(peakLive, live);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private static void resetPeaks() {
        System.gc();
        peakInUse = 0;
        peakLive = 0;
    }

    /**
     * The heap in use at once (the heap pools' usage summed at the same instant, sampled every
     * 5 ms: garbage included, so it approaches the maximum whenever allocation runs ahead of a
     * collection), and the live heap (what the pools held after their last collection).
     */
    private static String peakHeap() {
        peakInUseEver = Math.max(peakInUseEver, peakInUse);
        peakLiveEver = Math.max(peakLiveEver, peakLive);
        return String.format(Locale.ROOT, "peak heap %3d MiB in use, %3d MiB live after GC", peakInUse / MIB, peakLive / MIB);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** Content made on the fly, the same bytes for the same name. */
    interface Generator {

        /** Fills buffers with the next bytes. */
        interface State {
            void fill(byte[] buffer, int offset, int length);
        }

        State start();

        default void writeTo(OutputStream out, long size) throws IOException {
            State state = start();
            byte[] buffer = new byte[MIB];
            for (long left = size; left > 0; ) {
                int n = (int) Math.min(buffer.length, left);
                state.fill(buffer, 0, n);
                out.write(buffer, 0, n);
                left -= n;
            }
        }

        static Generator of(String name) {
            return switch (name) {
                case "random" -> Generator::random;
                case "text" -> Generator::text;
                default -> throw new IllegalArgumentException("unknown content '" + name + "': random or text");
            };
        }

        VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

        /** xorshift64: incompressible. */
        private static State random() {
            long[] x = {0x9E3779B97F4A7C15L};
            return (buffer, offset, length) -> {
                long s = x[0];
                int i = offset;
                for (int end = offset + length - 7; i < end; i += 8) {
                    s ^= s << 13;
                    s ^= s >>> 7;
                    s ^= s << 17;
                    LONGS.set(buffer, i, s);
                }
                for (; i < offset + length; i++) {
                    s ^= s << 13;
                    s ^= s >>> 7;
                    s ^= s << 17;
                    buffer[i] = (byte) s;
                }
                x[0] = s;
            };
        }

        /** Letters with English-like frequencies, drawn independently: deflate compresses them about 2×. */
        private static State text() {
            byte[] table = new byte[256];
            String letters = " etaoinshrdlu\n";
            int[] counts = {45, 32, 23, 21, 19, 18, 17, 16, 15, 15, 11, 10, 7, 7};
            for (int letter = 0, at = 0; letter < counts.length; letter++) {
                for (int c = 0; c < counts[letter]; c++) {
                    table[at++] = (byte) letters.charAt(letter);
                }
            }
            State random = random();
            return (buffer, offset, length) -> {
                random.fill(buffer, offset, length);
                for (int i = offset; i < offset + length; i++) {
                    buffer[i] = table[buffer[i] & 0xff];
                }
            };
        }
    }
}
