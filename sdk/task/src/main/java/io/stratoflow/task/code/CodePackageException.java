package io.stratoflow.task.code;

import java.io.IOException;

/** A code package cannot be stored or fetched, with a message that says what to do about it. */
public final class CodePackageException extends IOException {

    public CodePackageException(String message) {
        super(message);
    }

    public CodePackageException(String message, Throwable cause) {
        super(message, cause);
    }
}
