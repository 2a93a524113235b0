package io.stratoflow.datastore.storage;

import io.stratoflow.datastore.DatastoreException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/** Turns what the AWS SDK throws into messages that name the bucket or endpoint and say what to do. */
final class S3Failures {

    static final String CREDENTIAL_ADVICE = "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for "
            + "temporary credentials), or AWS_PROFILE to a profile of ~/.aws/credentials (AWS_SHARED_CREDENTIALS_FILE, "
            + "AWS_CONFIG_FILE), to credentials that may read and write";
    static final String ENDPOINT_ADVICE = "Start the S3 server, or fix the endpoint (the datastore location's endpoint, "
            + "AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL)";

    private final String bucket;
    private final String root;
    private final String endpoint;

    S3Failures(String bucket, String root, String endpoint) {
        this.bucket = bucket;
        this.root = root;
        this.endpoint = endpoint;
    }

    /** What went wrong doing {@code operation} on {@code key} (null for the bucket itself). */
    DatastoreException translate(String operation, String key, SdkException e) {
        String what = operation + (key == null ? " on bucket '" + bucket + "'" : " of s3://" + bucket + "/" + key);
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            String detail = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorMessage();
            int status = service.statusCode();
            if (isCredentialCode(code)) {
                return new DatastoreException("S3 at " + endpoint + " rejected the credentials for bucket '" + bucket + "' ("
                        + code + (detail == null ? "" : ": " + detail) + "). " + CREDENTIAL_ADVICE + " " + root + ".", e);
            }
            if ("NoSuchBucket".equals(code) || status == 404 && key == null && (code == null || code.isEmpty())) {
                return new DatastoreException("The bucket '" + bucket + "' does not exist at " + endpoint + " (" + what
                        + "). Create it (for example: aws s3 mb s3://" + bucket + ") or fix the datastore root " + root + ".", e);
            }
            if ("AccessDenied".equals(code) || status == 403) {
                return new DatastoreException("S3 at " + endpoint + " denied " + what + " (" + (code == null ? "403" : code)
                        + (detail == null ? "" : ": " + detail) + "). Grant these credentials s3:GetObject, s3:PutObject, "
                        + "s3:ListBucket and s3:DeleteObject on bucket '" + bucket + "', or use other credentials: "
                        + CREDENTIAL_ADVICE + " " + root + ".", e);
            }
            return new DatastoreException("S3 at " + endpoint + " failed " + what + ": " + status + " "
                    + (code == null ? "" : code + " ") + (detail == null ? service.getMessage() : detail), e);
        }
        Throwable network = networkCause(e);
        if (network instanceof ConnectException || network instanceof NoRouteToHostException) {
            return new DatastoreException("Cannot reach the S3 endpoint " + endpoint + " for " + root + ": the connection was "
                    + "refused (nothing listens there). " + ENDPOINT_ADVICE + ".", e);
        }
        if (network instanceof SocketTimeoutException || network != null && network.getClass().getSimpleName().contains("Timeout")) {
            return new DatastoreException("Cannot reach the S3 endpoint " + endpoint + " for " + root + ": it did not answer in "
                    + "time (" + network.getMessage() + "). " + ENDPOINT_ADVICE + ".", e);
        }
        if (network instanceof UnknownHostException) {
            return new DatastoreException("Cannot reach the S3 endpoint " + endpoint + " for " + root + ": unknown host "
                    + network.getMessage() + ". " + ENDPOINT_ADVICE + ".", e);
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (message.contains("Unable to load credentials") || message.contains("credentials")) {
            return new DatastoreException("No AWS credentials were found for " + root + " at " + endpoint + ". "
                    + CREDENTIAL_ADVICE + " it.", e);
        }
        return new DatastoreException("S3 at " + endpoint + " failed " + what + ": " + message, e);
    }

    private static boolean isCredentialCode(String code) {
        return code != null && switch (code) {
            case "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken", "TokenRefreshRequired",
                    "InvalidSecurity", "AuthorizationHeaderMalformed",
                    "XAdminUserNotFound" -> true; // versitygw's answer to an unknown access key
            default -> code.contains("AccessKey");
        };
    }

    private static Throwable networkCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof SocketTimeoutException
                    || t instanceof UnknownHostException || t.getClass().getSimpleName().contains("ConnectTimeout")) {
                return t;
            }
        }
        return null;
    }
}
