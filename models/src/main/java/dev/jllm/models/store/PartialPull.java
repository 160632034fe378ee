package dev.jllm.models.store;

import java.nio.file.Path;

/**
 * A pull that stopped before its model was complete (a dropped connection, a cancel, a timeout, a crash): its
 * directory holds verified files and {@code .part} downloads but no manifest. It is no model yet, so it is listed
 * apart, as something to resume with {@code jllm pull} or to remove with {@code jllm rm}.
 *
 * @param name        the model it would become, {@code hf.co/OWNER/REPO:TAG}
 * @param directory   where its files are
 * @param bytesOnDisk what has been downloaded so far
 * @param totalBytes  the model's size as the pull found it, or -1 when not recorded (a pull of an older jllm)
 */
public record PartialPull(String name, Path directory, long bytesOnDisk, long totalBytes) {

    /** Written when a pull starts downloading into a directory without a manifest; removed with the manifest's arrival. */
    static final String MARKER = ".jllm-pull";

    /** How far it got, 0-99; -1 when the total is unknown. */
    public int percent() {
        if (totalBytes <= 0) {
            return -1;
        }
        return (int) Math.min(99, bytesOnDisk * 100 / totalBytes);
    }

    /** "partial, 37% — resume with jllm pull NAME", as {@code jllm ls} shows it. */
    public String describe() {
        int p = percent();
        return "partial" + (p < 0 ? "" : ", " + p + "%") + " — resume with jllm pull " + name;
    }
}
