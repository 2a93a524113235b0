package io.stratoflow.task.code;

import java.util.Locale;

/**
 * A code package in the datastore, and what storing it cost. The counts are of the package's
 * entries (jars); the manifest itself, a few hundred bytes, is not counted.
 *
 * @param id            the package id: the SHA-256 of its manifest
 * @param entries       how many jars the package has
 * @param uploaded      how many of them this store uploaded (the rest were already there)
 * @param uploadedBytes their size
 * @param bytes         the size of all the entries
 */
public record StoredPackage(String id, int entries, int uploaded, long uploadedBytes, long bytes) {

    /** Entries the datastore already held. */
    public int alreadyPresent() {
        return entries - uploaded;
    }

    public long alreadyPresentBytes() {
        return bytes - uploadedBytes;
    }

    /** For the command line, e.g. {@code code package 3f2a9c01d4e7: 14 jars, 1 uploaded (12.3 KiB), 13 already in the datastore (18.0 MiB)}. */
    public String summary() {
        return "code package " + id.substring(0, Math.min(12, id.length())) + ": " + entries + (entries == 1 ? " jar, " : " jars, ")
                + uploaded + " uploaded (" + size(uploadedBytes) + "), "
                + alreadyPresent() + " already in the datastore (" + size(alreadyPresentBytes()) + ")";
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
