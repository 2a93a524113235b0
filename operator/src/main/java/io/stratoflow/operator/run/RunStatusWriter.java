package io.stratoflow.operator.run;

import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.stratoflow.model.Run;
import io.stratoflow.model.RunStatus;

/**
 * Writes a Run's status once per pass, when it changed, through the status subresource: a replace with optimistic
 * locking, so that a concurrent change of the Run is read again and the status written onto it, and never a patch
 * computed against an older copy. The written Run is cached, so that the next pass reads it even before the informer
 * has: the status is the Run's state, and a pass that started from an older one would redo what this one did. The
 * same request in production and in the tests, whose mock API server has no server-side apply.
 */
final class RunStatusWriter {

    private RunStatusWriter() {
    }

    static void write(RunPass pass) {
        if (!pass.statusChanged()) {
            return;
        }
        RunStatus status = pass.status();
        PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(pass.run(), pass.context(), (Run latest) -> {
            latest.setStatus(status);
            return latest;
        });
    }
}
