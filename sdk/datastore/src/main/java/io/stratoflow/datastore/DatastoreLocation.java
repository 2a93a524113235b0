package io.stratoflow.datastore;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.nio.file.Path;

/**
 * Where a datastore lives, as every part of a run sees it: a local directory, or
 * {@code s3://bucket/prefix} with the S3 settings that are not secrets (endpoint, region,
 * path-style addressing). Credentials are never part of it: they come from the standard AWS
 * configuration of whoever opens the datastore.
 *
 * @param root      an absolute directory, or {@code s3://bucket[/prefix]}
 * @param endpoint  for S3-compatible servers, e.g. {@code http://127.0.0.1:7070}; null for AWS
 * @param region    null to use the standard AWS region lookup
 * @param pathStyle path-style addressing ({@code endpoint/bucket/key}); null means false
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatastoreLocation(String root, String endpoint, String region, Boolean pathStyle) {

    public static final String S3_SCHEME = "s3://";

    public DatastoreLocation {
        if (root == null || root.isBlank()) {
            throw new IllegalArgumentException("A datastore location needs a root: a directory or s3://bucket/prefix");
        }
    }

    public static DatastoreLocation local(Path directory) {
        return new DatastoreLocation(directory.toAbsolutePath().normalize().toString(), null, null, null);
    }

    /** A root as a user writes it: {@code s3://bucket/prefix}, or a directory (made absolute). */
    public static DatastoreLocation parse(String root) {
        if (root.startsWith(S3_SCHEME)) {
            return new DatastoreLocation(root, null, null, null);
        }
        return local(Path.of(root));
    }

    @JsonIgnore
    public boolean isS3() {
        return root.startsWith(S3_SCHEME);
    }

    public boolean usesPathStyle() {
        return Boolean.TRUE.equals(pathStyle);
    }

    /** For messages: the root, and the endpoint when there is one. */
    public String describe() {
        return endpoint == null ? root : root + " (endpoint " + endpoint + ")";
    }
}
