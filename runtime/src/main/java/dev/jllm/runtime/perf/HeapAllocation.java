package dev.jllm.runtime.perf;

import java.lang.management.ManagementFactory;

/**
 * Bytes the JVM's threads have allocated on the heap so far, all threads together: what a timed run allocated is
 * the difference of two readings. A warm decode step should allocate next to nothing; when C2 leaves a small helper
 * that takes or returns Vector API values out of line, those values are boxed on every call (tens of MB per token,
 * a quarter of the speed lost, seen twice in the packed kernels), and the bench says so instead of a slow number
 * alone.
 */
final class HeapAllocation {

    private HeapAllocation() {
    }

    /** Bytes allocated by all threads so far, or -1 where the JVM cannot tell (no {@code jdk.management}). */
    static long total() {
        try {
            if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                    && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled()) {
                return t.getTotalThreadAllocatedBytes();
            }
        } catch (LinkageError | UnsupportedOperationException e) {
            // a runtime without java.management / jdk.management (a jlinked one): not measured
        }
        return -1;
    }
}
