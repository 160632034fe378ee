package dev.jllm.api;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.Objects;

/**
 * One step of a long operation (pulling, loading, converting a model).
 *
 * @param stage      short machine-readable stage name, e.g. "pulling", "verifying", "loading", "done"
 * @param message    human-readable text for this step
 * @param bytesDone  bytes done so far in this stage, 0 when not byte-based
 * @param bytesTotal total bytes of this stage, 0 when unknown
 * @param percent    0..100, or -1 when unknown
 */
public record ProgressEvent(String stage, String message, @JsonbProperty("bytes_done") long bytesDone,
                            @JsonbProperty("bytes_total") long bytesTotal, double percent) {

    public ProgressEvent {
        Objects.requireNonNull(stage, "stage");
        message = message == null ? "" : message;
        if (bytesDone < 0 || bytesTotal < 0) {
            throw new IllegalArgumentException("byte counts must not be negative: " + bytesDone + "/" + bytesTotal);
        }
        if (!(percent == -1 || (percent >= 0 && percent <= 100))) {
            throw new IllegalArgumentException("percent must be -1 or within 0..100: " + percent);
        }
    }

    /** A step without a byte count and without a known percentage. */
    public static ProgressEvent of(String stage, String message) {
        return new ProgressEvent(stage, message, 0, 0, -1);
    }

    /** A byte-counted step; the percentage is derived when the total is known. */
    public static ProgressEvent bytes(String stage, String message, long done, long total) {
        double pct = total > 0 ? Math.min(100.0, 100.0 * done / total) : -1;
        return new ProgressEvent(stage, message, done, total, pct);
    }

    public boolean percentKnown() {
        return percent >= 0;
    }
}
