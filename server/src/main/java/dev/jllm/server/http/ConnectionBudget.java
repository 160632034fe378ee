package dev.jllm.server.http;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * How many client connections the server may hold at once, from the process's file descriptor limit. Helidon
 * stops its listener for good when {@code accept} fails (as it does with "Too many open files"), leaving a process
 * that runs but never answers again. Bounding the connections below the descriptors left at start (less a reserve
 * for model files, upstream connections and logs) means accept is not called while none is free: further clients
 * wait in the listen backlog and are served as soon as others leave.
 */
public final class ConnectionBudget {

    private ConnectionBudget() { }

    /** The bound, or -1 (no bound) where the descriptor limit cannot be read. */
    public static int maxConnections() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof com.sun.management.UnixOperatingSystemMXBean unix)) {
            return -1;
        }
        return bound(unix.getMaxFileDescriptorCount(), unix.getOpenFileDescriptorCount());
    }

    static int bound(long maxDescriptors, long openNow) {
        if (maxDescriptors <= 0 || openNow < 0) {
            return -1;
        }
        long reserve = Math.max(32, maxDescriptors / 8);
        long spare = maxDescriptors - openNow - reserve;
        return (int) Math.clamp(spare, 8, 1_000_000);
    }
}
