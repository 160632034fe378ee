package dev.jllm.runtime.tensor;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Where the elements of a scratch array start relative to a 64-byte cache line, so that the float matrix x matrix
 * path ({@link WeightTensor}'s tile of decoded rows and {@link Gemm}'s token panels) can start its buffers on one. A
 * Java array's elements begin 16 bytes past an object that is only 8-byte aligned, so wherever the collector put
 * the array, most 512-bit loads from it straddle two cache lines: the 4 x 4 float block measured 88 G
 * multiply-adds/s from aligned arrays in L1 against 66-69 from arrays 32 bytes past a line, and tl-F16 prompts
 * 1.06-1.11x end to end (bench/README.md, issue #18). (The integer blocks of the packed types, whose weights meet
 * broadcast activations, measured no difference: 0.99 on tl-Q4_0 and tl-Q4_K_M prompts.)
 *
 * <p>Java has no aligned heap allocation and does not say where an array is; the one standard way to learn it is
 * a native call that is handed the array: C's {@code memcpy(a, a, 0)} through the FFM linker with heap access
 * ({@link Linker.Option#critical(boolean)}), which copies nothing and returns the address it was given. That needs
 * native access ({@code --enable-native-access}, which the launcher, the server jar and the tests enable); without
 * it, or on a platform where the call is not available, every offset is 0: the layout the kernels had before, the
 * same results, only the straddling loads. The answer holds until the collector moves the array, so callers ask
 * once per matrix product; a stale answer costs speed, never correctness, since no kernel's operation order
 * depends on where its buffers start.
 */
final class LineAlignment {

    private LineAlignment() {}

    /** Bytes per cache line. */
    static final int LINE = 64;

    /** {@code memcpy} with heap access, or null where the address cannot be learned. */
    private static final MethodHandle MEMCPY = memcpy();

    private static MethodHandle memcpy() {
        try {
            if (!LineAlignment.class.getModule().isNativeAccessEnabled()) {
                return null; // calling the linker would print a warning (or fail) on this JVM
            }
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("memcpy")
                    .map(f -> linker.downcallHandle(f,
                            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                                    ValueLayout.JAVA_LONG),
                            Linker.Option.critical(true)))
                    .orElse(null);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Whether offsets are known on this JVM (else {@link #skip} is always 0). */
    static boolean available() {
        return MEMCPY != null;
    }

    /** Floats to skip from {@code a[0]} to the first element on a cache line boundary (0 .. 15); 0 if unknown. */
    static int skip(float[] a) {
        return skip(MemorySegment.ofArray(a), Float.BYTES);
    }

    /** Shorts to skip from {@code a[0]} to the first element on a cache line boundary (0 .. 31); 0 if unknown. */
    static int skip(short[] a) {
        return skip(MemorySegment.ofArray(a), Short.BYTES);
    }

    private static int skip(MemorySegment heap, int elementBytes) {
        if (MEMCPY == null) {
            return 0;
        }
        long address;
        try {
            address = ((MemorySegment) MEMCPY.invokeExact(heap, heap, 0L)).address();
        } catch (Throwable e) {
            return 0;
        }
        int bytes = (int) ((LINE - (address & (LINE - 1))) & (LINE - 1));
        // an array's elements start on a multiple of their size, so this divides
        return bytes / elementBytes;
    }
}
