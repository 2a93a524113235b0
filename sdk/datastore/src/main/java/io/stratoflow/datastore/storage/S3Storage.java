package io.stratoflow.datastore.storage;

import io.stratoflow.datastore.DatastoreException;
import io.stratoflow.datastore.DatastoreLocation;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Storage in an S3 bucket under a prefix ({@code s3://bucket/prefix}), with the AWS SDK v2.
 *
 * <p>Endpoint, region and path-style addressing come from the {@link DatastoreLocation}, else
 * from the standard AWS configuration ({@code AWS_ENDPOINT_URL_S3}, {@code AWS_ENDPOINT_URL},
 * {@code AWS_REGION}, profile files); with an endpoint but no region, {@code us-east-1}.
 * Credentials always come from the standard AWS chain (or {@link S3Settings#credentials()}).
 * Checksums are computed and validated only where S3 requires them, which S3-compatible
 * servers need.
 *
 * <p>Writes of unknown length stream: up to one part is buffered and sent with a single PUT;
 * beyond that, a multipart upload sends {@link S3Settings#partSize()} parts, a bounded number
 * at a time. Reads stream the object's body. A connection that is refused or times out
 * fails within {@code maxAttempts × connectTimeout} plus short back-offs.
 */
public final class S3Storage implements Storage, AutoCloseable {

    /** The region used for an S3-compatible endpoint when no region is configured. */
    public static final Region DEFAULT_ENDPOINT_REGION = Region.US_EAST_1;

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final String bucket;
    private final String keyPrefix;
    private final String description;
    private final S3Settings settings;
    private final S3Client client;
    private final S3Failures failures;
    private final ExecutorService uploads;

    private S3Storage(String bucket, String keyPrefix, String description, S3Settings settings, S3Client client, String endpointForMessages) {
        this.bucket = bucket;
        this.keyPrefix = keyPrefix;
        this.description = description;
        this.settings = settings;
        this.client = client;
        this.failures = new S3Failures(bucket, "s3://" + bucket + (keyPrefix.isEmpty() ? "" : "/" + keyPrefix.substring(0, keyPrefix.length() - 1)),
                endpointForMessages);
        this.uploads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "stratoflow-s3-upload-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Opens the bucket of an {@code s3://} location with the default settings and the process's environment. */
    public static S3Storage open(DatastoreLocation location) {
        return open(location, S3Settings.defaults(), System.getenv());
    }

    public static S3Storage open(DatastoreLocation location, S3Settings settings, Map<String, String> environment) {
        if (!location.isS3()) {
            throw new IllegalArgumentException("not an S3 location: " + location.root());
        }
        String path = location.root().substring(DatastoreLocation.S3_SCHEME.length());
        int slash = path.indexOf('/');
        String bucket = slash < 0 ? path : path.substring(0, slash);
        String prefix = slash < 0 ? "" : path.substring(slash + 1).replaceAll("/+$", "");
        if (bucket.isEmpty()) {
            throw new IllegalArgumentException("The datastore root " + location.root() + " names no bucket: use s3://bucket/prefix");
        }
        if (!prefix.isEmpty()) {
            Storage.checkKey(prefix);
        }
        String endpoint = firstNonBlank(location.endpoint(), environment.get("AWS_ENDPOINT_URL_S3"), environment.get("AWS_ENDPOINT_URL"));
        Region region = region(location, endpoint, environment);
        boolean pathStyle = location.usesPathStyle() || endpoint != null && isLocalOrLiteral(URI.create(endpoint).getHost());

        Apache5HttpClient.Builder http = Apache5HttpClient.builder()
                .connectionTimeout(settings.connectTimeout())
                .socketTimeout(Duration.ofSeconds(60))
                .maxConnections(Math.max(50, settings.partsInFlight() * 4));
        AwsCredentialsProvider credentials = settings.credentials() != null ? settings.credentials()
                : DefaultCredentialsProvider.builder().build();
        var builder = S3Client.builder()
                .httpClientBuilder(http)
                .region(region)
                .credentialsProvider(credentials)
                .forcePathStyle(pathStyle)
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(settings.maxAttempts())));
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        String endpointForMessages = endpoint != null ? endpoint : "AWS S3 (region " + region.id() + ")";
        String root = "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
        String description = endpoint != null ? root + " (endpoint " + endpoint + ")" : root;
        return new S3Storage(bucket, prefix.isEmpty() ? "" : prefix + "/", description, settings, builder.build(), endpointForMessages);
    }

    private static Region region(DatastoreLocation location, String endpoint, Map<String, String> environment) {
        String configured = firstNonBlank(location.region(), environment.get("AWS_REGION"), environment.get("AWS_DEFAULT_REGION"));
        if (configured != null) {
            return Region.of(configured);
        }
        try {
            // With an endpoint, never ask the instance metadata service: it is not there and would cost seconds.
            return endpoint != null
                    ? new AwsRegionProviderChain(new SystemSettingsRegionProvider(), new AwsProfileRegionProvider()).getRegion()
                    : DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (SdkException | IllegalArgumentException none) {
            if (endpoint != null) {
                return DEFAULT_ENDPOINT_REGION;
            }
            throw new DatastoreException("No AWS region is configured for the datastore " + location.root()
                    + ": set AWS_REGION, a region in your AWS profile, or the datastore location's region.", none);
        }
    }

    /** Virtual-host addressing ({@code bucket.host}) cannot work for these: use path-style. */
    private static boolean isLocalOrLiteral(String host) {
        if (host == null) {
            return false;
        }
        return host.equals("localhost") || host.endsWith(".localhost") || host.startsWith("[") || host.contains(":")
                || host.chars().allMatch(c -> Character.isDigit(c) || c == '.');
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }

    public String bucket() {
        return bucket;
    }

    public S3Settings settings() {
        return settings;
    }

    /** The full object key of a storage key. */
    public String objectKey(String key) {
        return keyPrefix + Storage.checkKey(key);
    }

    @Override
    public void write(String key, Writer writer) throws IOException {
        String objectKey = objectKey(key);
        S3UploadStream upload = new S3UploadStream(this, objectKey);
        boolean published = false;
        try {
            writer.writeTo(upload);
            upload.complete();
            published = true;
        } finally {
            if (!published) {
                upload.abort();
            }
        }
    }

    @Override
    public void writeBytes(String key, byte[] bytes, int offset, int length) {
        putBytes(objectKey(key), bytes, offset, length, null);
    }

    @Override
    public boolean createExclusively(String key, byte[] bytes) throws IOException {
        String objectKey = objectKey(key);
        try {
            putBytes(objectKey, bytes, 0, bytes.length, "*");
        } catch (DatastoreException e) {
            if (e.getCause() instanceof S3Exception s3 && (s3.statusCode() == 412 || s3.statusCode() == 409)) {
                return false;
            }
            throw e;
        }
        // A server that ignores If-None-Match overwrites instead of refusing: then the writer
        // whose bytes are there now is the one that holds the key.
        try (InputStream in = read(key)) {
            return java.util.Arrays.equals(in.readAllBytes(), bytes);
        }
    }

    void putBytes(String objectKey, byte[] bytes, int offset, int length, String ifNoneMatch) {
        try {
            client.putObject(b -> b.bucket(bucket).key(objectKey).contentLength((long) length).ifNoneMatch(ifNoneMatch),
                    RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, offset, length), length,
                            "application/octet-stream"));
        } catch (SdkException e) {
            throw failures.translate("PUT", objectKey, e);
        }
    }

    @Override
    public InputStream read(String key) throws IOException {
        String objectKey = objectKey(key);
        try {
            return new Body(client.getObject(b -> b.bucket(bucket).key(objectKey)));
        } catch (NoSuchKeyException e) {
            throw new MissingKeyException(key, description);
        } catch (S3Exception e) {
            if (isMissingKey(e)) {
                throw new MissingKeyException(key, description);
            }
            throw failures.translate("GET", objectKey, e);
        } catch (SdkException e) {
            throw failures.translate("GET", objectKey, e);
        }
    }

    /** Reads a range of a key, for parallel reads of one large object. */
    public InputStream read(String key, long first, long last) throws IOException {
        String objectKey = objectKey(key);
        try {
            return new Body(client.getObject(b -> b.bucket(bucket).key(objectKey).range("bytes=" + first + "-" + last)));
        } catch (NoSuchKeyException e) {
            throw new MissingKeyException(key, description);
        } catch (SdkException e) {
            throw failures.translate("GET", objectKey, e);
        }
    }

    @Override
    public InputStream read(String key, long offset) throws IOException {
        if (offset <= 0) {
            return read(key);
        }
        String objectKey = objectKey(key);
        try {
            return new Body(client.getObject(b -> b.bucket(bucket).key(objectKey).range("bytes=" + offset + "-")));
        } catch (NoSuchKeyException e) {
            throw new MissingKeyException(key, description);
        } catch (S3Exception e) {
            if (isMissingKey(e)) {
                throw new MissingKeyException(key, description);
            }
            if (e.statusCode() == 416) {
                return InputStream.nullInputStream(); // the object is not longer than the offset
            }
            throw failures.translate("GET", objectKey, e);
        } catch (SdkException e) {
            throw failures.translate("GET", objectKey, e);
        }
    }

    @Override
    public boolean exists(String key) {
        return head(objectKey(key)).isPresent();
    }

    /** The size of a key, or empty when it does not exist. */
    public Optional<Long> size(String key) {
        return head(objectKey(key)).map(HeadObjectResponse::contentLength);
    }

    private Optional<HeadObjectResponse> head(String objectKey) {
        try {
            return Optional.of(client.headObject(b -> b.bucket(bucket).key(objectKey)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (isMissingKey(e)) {
                return Optional.empty();
            }
            throw failures.translate("HEAD", objectKey, e);
        } catch (SdkException e) {
            throw failures.translate("HEAD", objectKey, e);
        }
    }

    @Override
    public List<Entry> list(String prefix) {
        String checked = Storage.checkPrefix(prefix);
        String listed = keyPrefix + (checked.isEmpty() ? "" : checked + "/");
        List<Entry> entries = new ArrayList<>();
        ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(bucket).prefix(listed).delimiter("/").build();
        try {
            for (ListObjectsV2Response page : client.listObjectsV2Paginator(request)) {
                for (CommonPrefix common : page.commonPrefixes()) {
                    String name = common.prefix().substring(listed.length());
                    entries.add(new Entry(name.endsWith("/") ? name.substring(0, name.length() - 1) : name, true));
                }
                for (S3Object object : page.contents()) {
                    String name = object.key().substring(listed.length());
                    if (!name.isEmpty()) {
                        entries.add(new Entry(name, false));
                    }
                }
            }
        } catch (SdkException e) {
            throw failures.translate("LIST", listed, e);
        }
        return entries;
    }

    @Override
    public List<SizedKey> listRecursively(String prefix) {
        String checked = Storage.checkPrefix(prefix);
        String listed = keyPrefix + (checked.isEmpty() ? "" : checked + "/");
        List<SizedKey> keys = new ArrayList<>();
        ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(bucket).prefix(listed).build();
        try {
            for (ListObjectsV2Response page : client.listObjectsV2Paginator(request)) {
                for (S3Object object : page.contents()) {
                    String key = object.key().substring(listed.length());
                    if (!key.isEmpty() && !key.endsWith("/")) {
                        keys.add(new SizedKey(key, object.size()));
                    }
                }
            }
        } catch (SdkException e) {
            throw failures.translate("LIST", listed, e);
        }
        return keys;
    }

    @Override
    public void copy(String fromKey, String toKey) throws IOException {
        String from = objectKey(fromKey);
        String to = objectKey(toKey);
        long size = size(fromKey).orElseThrow(() -> new MissingKeyException(fromKey, description));
        try {
            if (size <= MAX_SINGLE_COPY) {
                client.copyObject(b -> b.sourceBucket(bucket).sourceKey(from).destinationBucket(bucket).destinationKey(to));
            } else {
                multipartCopy(from, to, size);
            }
        } catch (SdkException e) {
            throw failures.translate("COPY to " + to, from, e);
        }
    }

    private static final long MAX_SINGLE_COPY = 5L << 30;
    private static final long COPY_PART = 1L << 30;

    private void multipartCopy(String from, String to, long size) {
        String uploadId = client.createMultipartUpload(b -> b.bucket(bucket).key(to)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            for (long first = 0; first < size; first += COPY_PART) {
                int number = parts.size() + 1;
                String range = "bytes=" + first + "-" + (Math.min(size, first + COPY_PART) - 1);
                String etag = client.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey(from).destinationBucket(bucket)
                        .destinationKey(to).uploadId(uploadId).partNumber(number).copySourceRange(range)).copyPartResult().eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            client.completeMultipartUpload(b -> b.bucket(bucket).key(to).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
        } catch (RuntimeException e) {
            abortQuietly(to, uploadId);
            throw e;
        }
    }

    @Override
    public void delete(String key) {
        String objectKey = objectKey(key);
        try {
            client.deleteObject(b -> b.bucket(bucket).key(objectKey));
        } catch (SdkException e) {
            throw failures.translate("DELETE", objectKey, e);
        }
    }

    /**
     * Fails with a message saying what to do unless the bucket exists, the credentials are
     * accepted and a key can be written and deleted under the prefix.
     */
    public void checkWritable() {
        try {
            // a listing, not HEAD: its error answers carry a code (NoSuchBucket, InvalidAccessKeyId…)
            client.listObjectsV2(b -> b.bucket(bucket).prefix(keyPrefix).maxKeys(1));
        } catch (SdkException e) {
            throw failures.translate("LIST", null, e);
        }
        String probe = "tmp/probe-" + java.util.UUID.randomUUID();
        putBytes(objectKey(probe), new byte[0], 0, 0, null);
        delete(probe);
    }

    @Override
    public Optional<Path> localFile(String key) {
        return Optional.empty();
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        uploads.shutdownNow();
        client.close();
    }

    // what S3UploadStream needs

    S3Client client() {
        return client;
    }

    ExecutorService uploads() {
        return uploads;
    }

    DatastoreException failure(String operation, String objectKey, SdkException e) {
        return failures.translate(operation, objectKey, e);
    }

    void abortQuietly(String objectKey, String uploadId) {
        try {
            client.abortMultipartUpload(b -> b.bucket(bucket).key(objectKey).uploadId(uploadId));
        } catch (SdkException ignored) {
            // the upload is abandoned either way; a bucket lifecycle rule removes leftover parts
        }
    }

    /**
     * A 404 that means the key is not there: NoSuchKey, or no code at all (HEAD answers have no
     * body). Other 404s are not about the key: NoSuchBucket, or a server that answers an
     * unknown access key with 404 (versitygw does).
     */
    private static boolean isMissingKey(S3Exception e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return e.statusCode() == 404 && (code == null || code.isEmpty() || "NoSuchKey".equals(code));
    }

    /** An object's body; closing it before the end aborts the connection instead of draining gigabytes. */
    private static final class Body extends FilterInputStream {

        private final ResponseInputStream<GetObjectResponse> response;
        private boolean ended;

        Body(ResponseInputStream<GetObjectResponse> response) {
            super(response);
            this.response = response;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            ended |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            ended |= n < 0;
            return n;
        }

        @Override
        public void close() throws IOException {
            if (!ended) {
                response.abort();
            }
            super.close();
        }
    }
}
