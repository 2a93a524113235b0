package io.stratoflow.operator.pods;

import java.util.Set;

/** Waiting reasons of a container that will not start without a change (a kubelet keeps retrying them in vain). */
public final class StuckContainers {

    private static final Set<String> REASONS = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull",
            "CreateContainerConfigError", "CreateContainerError");

    private StuckContainers() {
    }

    public static boolean isStuck(String waitingReason) {
        return waitingReason != null && REASONS.contains(waitingReason);
    }
}
