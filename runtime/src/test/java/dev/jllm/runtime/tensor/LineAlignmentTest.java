package dev.jllm.runtime.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.junit.jupiter.api.Test;

class LineAlignmentTest {

    /** C's memchr with heap access: a second, independent reading of where an array's elements are. */
    private static final MethodHandle MEMCHR = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("memchr").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
            Linker.Option.critical(true));

    private static long addressOfByte(MemorySegment heap, int marker, long size) throws Throwable {
        return ((MemorySegment) MEMCHR.invokeExact(heap, marker, size)).address();
    }

    @Test
    void theTestJvmCanLearnArrayAddresses() {
        // the tests run with --enable-native-access, as the launcher and the server jar do: if this fails, the
        // several-token kernels run from straddling loads everywhere
        assertThat(LineAlignment.available()).isTrue();
    }

    @Test
    void skipLandsTheElementOnACacheLine() throws Throwable {
        for (int size = 17; size < 4000; size += 331) {
            float[] a = new float[size];
            int skip = LineAlignment.skip(a);
            assertThat(skip).isBetween(0, 15);
            // mark the element the skip lands on and find its address with memchr: it must be on a 64-byte boundary
            a[skip] = Float.intBitsToFloat(0x7F);
            long at = addressOfByte(MemorySegment.ofArray(a), 0x7F, 4L * size);
            // memchr finds the marker's low byte (little-endian), the first byte of a[skip]
            assertThat(at % LineAlignment.LINE).as("size %d, skip %d", size, skip).isZero();
            // and no earlier element is on a line: the skip is the smallest
            for (int k = 0; k < skip; k++) {
                a[k] = Float.intBitsToFloat(0x7E);
                long earlier = addressOfByte(MemorySegment.ofArray(a), 0x7E, 4L * size);
                assertThat(earlier % LineAlignment.LINE).isNotZero();
                a[k] = 0;
            }
        }
    }
}
