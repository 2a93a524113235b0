package io.stratoflow.operator.pools;

import io.fabric8.kubernetes.api.model.Quantity;

/** The quantities a ComputePool's status carries (CPU in cores, memory as a Kubernetes quantity) as numbers. */
public final class PoolQuantities {

    private PoolQuantities() {
    }

    /** The quantity in its base unit (cores, bytes); 0 when there is none. */
    public static double amount(String quantity) {
        if (quantity == null || quantity.isBlank()) {
            return 0;
        }
        return Quantity.getAmountInBytes(new Quantity(quantity)).doubleValue();
    }
}
