package io.stratoflow.datastore.storage;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import java.time.Duration;

/**
 * How an {@link S3Storage} talks to S3; the defaults suit AWS and S3-compatible servers alike.
 *
 * @param partSize       bytes per part of a multipart upload (at least 5 MiB, S3's minimum);
 *                       content up to this size is sent with one PUT
 * @param chunkSize      bytes per chunk of a large artifact in the content store (each chunk one
 *                       object, sent with one PUT); larger chunks mean fewer requests, and memory
 *                       of about {@code 2 * partsInFlight + 1} chunks while one is written
 * @param partsInFlight  parts of one upload sent at the same time; memory is bounded by
 *                       {@code (partsInFlight + 1) * partSize} per upload
 * @param connectTimeout how long to wait for a TCP connection before the endpoint counts as
 *                       unreachable (each of {@code maxAttempts} attempts)
 * @param maxAttempts    attempts per request, the first included
 * @param credentials    null for the standard AWS chain (environment, profile files, container
 *                       and instance roles); tests pass fixed credentials
 */
public record S3Settings(int partSize, int chunkSize, int partsInFlight, Duration connectTimeout, int maxAttempts,
                         AwsCredentialsProvider credentials) {

    public static final int MIN_PART_SIZE = 5 << 20;
    public static final int DEFAULT_PART_SIZE = 8 << 20;
    /** Fewer, larger requests: against a loaded S3-compatible server, 16 MiB chunks read about 1.5 times faster than 8 MiB ones. */
    public static final int DEFAULT_CHUNK_SIZE = 16 << 20;

    public S3Settings {
        if (partSize < MIN_PART_SIZE) {
            throw new IllegalArgumentException("S3 parts must be at least 5 MiB, not " + partSize + " bytes");
        }
        if (chunkSize < (64 << 10)) {
            throw new IllegalArgumentException("content chunks must be at least 64 KiB, not " + chunkSize + " bytes");
        }
        if (partsInFlight < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("partsInFlight and maxAttempts must be positive");
        }
    }

    public static S3Settings defaults() {
        return new S3Settings(DEFAULT_PART_SIZE, DEFAULT_CHUNK_SIZE, 4, Duration.ofSeconds(2), 3, null);
    }

    public S3Settings withPartSize(int bytes) {
        return new S3Settings(bytes, chunkSize, partsInFlight, connectTimeout, maxAttempts, credentials);
    }

    public S3Settings withChunkSize(int bytes) {
        return new S3Settings(partSize, bytes, partsInFlight, connectTimeout, maxAttempts, credentials);
    }

    public S3Settings withPartsInFlight(int parts) {
        return new S3Settings(partSize, chunkSize, parts, connectTimeout, maxAttempts, credentials);
    }

    public S3Settings withCredentials(AwsCredentialsProvider provider) {
        return new S3Settings(partSize, chunkSize, partsInFlight, connectTimeout, maxAttempts, provider);
    }
}
