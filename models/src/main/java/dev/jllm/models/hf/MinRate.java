package dev.jllm.models.hf;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The slowest a download may go: fewer than {@code bytesPerSecond} on average over {@code window} is a timeout.
 * A connection that trickles a few bytes now and then never stalls outright, so without this floor it would hold
 * a pull for hours; the stall timeout only catches one that sends nothing.
 *
 * @param bytesPerSecond the floor; 0 turns it off
 * @param window         how long a download may stay below it (a minute by default)
 */
public record MinRate(long bytesPerSecond, Duration window) {

    /** 1 KiB/s over a minute: below a dial-up line, so only a connection that is all but dead trips it. */
    public static final MinRate DEFAULT = new MinRate(1024, Duration.ofMinutes(1));

    public MinRate {
        Objects.requireNonNull(window, "window");
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("a minimum download rate cannot be negative");
        }
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("the minimum download rate's window must be positive");
        }
    }

    /**
     * A rate as {@code JLLM_PULL_MIN_RATE} gives it: bytes per second, with an optional {@code k} or {@code m}
     * (1024-based), over the default window; {@code 0} turns the floor off.
     *
     * @throws IllegalArgumentException when it is not such a number
     */
    public static MinRate parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("k") || t.endsWith("m")) {
            unit = t.endsWith("k") ? 1024 : 1024 * 1024;
            t = t.substring(0, t.length() - 1).strip();
        }
        try {
            return new MinRate(Math.multiplyExact(Long.parseLong(t), unit), DEFAULT.window);
        } catch (IllegalArgumentException | ArithmeticException e) { // not a number, too large, negative
            throw new IllegalArgumentException("JLLM_PULL_MIN_RATE must be bytes per second such as 2048, 64k or 1m,"
                    + " or 0 for no minimum; got '" + text + "'");
        }
    }

    public boolean off() {
        return bytesPerSecond == 0;
    }

    /** Whether {@code bytes} received over {@code nanos} (at least the window) is below the floor. */
    boolean tooSlow(long bytes, long nanos) {
        return !off() && bytes * 1_000_000_000L < bytesPerSecond * nanos;
    }

    /** "1.0 KiB/s for 60 s", for messages. */
    String describe() {
        return HumanBytes.format(bytesPerSecond) + "/s for " + window.toSeconds() + " s";
    }
}
