package io.stratoflow.export;

import java.math.BigDecimal;

/** Conversions from the SDK's units (cores, megabytes) to Kubernetes quantities. */
public final class Quantities {

    private Quantities() {
    }

    public static String cpu(double cores) {
        BigDecimal value = BigDecimal.valueOf(cores).stripTrailingZeros();
        if (value.scale() <= 0) {
            return value.toPlainString();
        }
        return value.movePointRight(3).setScale(0, java.math.RoundingMode.CEILING).toPlainString() + "m";
    }

    /** Megabytes as Metaflow counts them, i.e. 10^6 bytes: {@code 16000} becomes {@code 16000M}. */
    public static String megabytes(long mb) {
        return mb + "M";
    }
}
