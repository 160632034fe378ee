package dev.jllm.runtime.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.models.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * One block of each decoded type written byte by byte from the GGUF layout (ggml's block structs), with the
 * values worked out by hand; both decoders and both dot kernels must reproduce them.
 */
class BlockDequantizationTest {

    private static WeightTensor tensor(Arena arena, GgmlType type, int[] block) {
        assertThat(block.length).isEqualTo(type.typeSize());
        MemorySegment seg = arena.allocate(block.length);
        for (int i = 0; i < block.length; i++) {
            seg.set(ValueLayout.JAVA_BYTE, i, (byte) block[i]);
        }
        return WeightTensor.of(type, seg, 1, type.blockSize(), true);
    }

    /** Both decoders give {@code expected} bit for bit, and both dots with all-ones give its (exact) sum. */
    private static void check(WeightTensor w, float[] expected) {
        float[] scalar = new float[w.cols()];
        float[] vector = new float[w.cols()];
        w.dequantizeRow(0, scalar, 0);
        w.decodeRowVector(0, vector, 0);
        for (int i = 0; i < expected.length; i++) {
            assertThat(Float.floatToRawIntBits(scalar[i])).as("scalar element %d: %s", i, scalar[i])
                    .isEqualTo(Float.floatToRawIntBits(expected[i]));
            assertThat(Float.floatToRawIntBits(vector[i])).as("vector element %d", i)
                    .isEqualTo(Float.floatToRawIntBits(expected[i]));
        }
        float[] ones = new float[w.cols()];
        Arrays.fill(ones, 1f);
        double sum = 0;
        for (float v : expected) {
            sum += v;
        }
        assertThat((double) w.dotScalar(0, ones, 0)).isEqualTo(sum);
        assertThat((double) w.dotVector(0, ones, 0)).isEqualTo(sum);
    }

    @Test
    void q4_1() {
        // d = 0.5 (F16 0x3800), m = -1 (0xBC00); qs[0] = 0x3A: element 0 = 10 * 0.5 - 1 = 4, element 16 = 3 * 0.5 - 1
        int[] b = new int[20];
        b[1] = 0x38;
        b[3] = 0xBC;
        b[4] = 0x3A;
        float[] expected = new float[32];
        Arrays.fill(expected, -1f);
        expected[0] = 4f;
        expected[16] = 0.5f;
        try (Arena arena = Arena.ofConfined()) {
            check(tensor(arena, GgmlType.Q4_1, b), expected);
        }
    }

    @Test
    void q5_0() {
        // d = 0.25 (0x3400); qh = bits 0 and 17 (bytes 01 00 02 00)
        // qs[0] = 0x21: element 0 = (1 | 16) - 16 = 1 -> 0.25; element 16 = 2 - 16 = -14 -> -3.5
        // qs[1] = 0xF3: element 1 = 3 - 16 -> -3.25; element 17 = (15 | 16) - 16 = 15 -> 3.75; the rest -16 -> -4
        int[] b = new int[22];
        b[1] = 0x34;
        b[2] = 0x01;
        b[4] = 0x02;
        b[6] = 0x21;
        b[7] = 0xF3;
        float[] expected = new float[32];
        Arrays.fill(expected, -4f);
        expected[0] = 0.25f;
        expected[16] = -3.5f;
        expected[1] = -3.25f;
        expected[17] = 3.75f;
        try (Arena arena = Arena.ofConfined()) {
            check(tensor(arena, GgmlType.Q5_0, b), expected);
        }
    }

    @Test
    void q5_1() {
        // d = 0.5, m = 1 (0x3C00); qh = bit 15 (bytes 00 80 00 00); qs[15] = 0x4F:
        // element 15 = (15 | 16) * 0.5 + 1 = 16.5, element 31 = 4 * 0.5 + 1 = 3; the rest 0 * 0.5 + 1 = 1
        int[] b = new int[24];
        b[1] = 0x38;
        b[3] = 0x3C;
        b[5] = 0x80;
        b[8 + 15] = 0x4F;
        float[] expected = new float[32];
        Arrays.fill(expected, 1f);
        expected[15] = 16.5f;
        expected[31] = 3f;
        try (Arena arena = Arena.ofConfined()) {
            check(tensor(arena, GgmlType.Q5_1, b), expected);
        }
    }

    /**
     * The Q4_K/Q5_K header: d = 0.5, dmin = 0.25; sub-block 0 scale 2 min 4, sub-block 1 scale 3 min 0,
     * sub-block 5 scale 17 (0b01_0001) min 33 (0b10_0001), all others 0. Sub-block 5's low 4 bits go to byte
     * 4 + 5 = 9 (0x11), its scale's top bits (01) to the top of byte 1 (3 | 0x40), its min's top bits (10) to
     * the top of byte 5 (0 | 0x80).
     */
    private static int[] kHeader(int size) {
        int[] b = new int[size];
        b[1] = 0x38;
        b[3] = 0x34;
        int s = 4;
        b[s] = 2;
        b[s + 4] = 4;
        b[s + 1] = 3 | 0x40;
        b[s + 5] = 0x80;
        b[s + 9] = 0x11;
        return b;
    }

    @Test
    void q4_K() {
        // sub-block 0 (elements 0..31, low nibbles of qs[0..31]): 1 * q - 1; sub-block 1 (32..63, high nibbles):
        // 1.5 * q - 0; sub-block 5 (160..191, high nibbles of qs[64..95]): 8.5 * q - 8.25; others 0 * q - 0
        int[] b = kHeader(144);
        b[16] = 0x27;          // element 0: 7 - 1 = 6; element 32: 1.5 * 2 = 3
        b[16 + 64 + 3] = 0x50; // element 131 (sub-block 4): 0; element 163: 8.5 * 5 - 8.25 = 34.25
        float[] expected = new float[256];
        Arrays.fill(expected, 0, 32, -1f);
        Arrays.fill(expected, 160, 192, -8.25f);
        expected[0] = 6f;
        expected[32] = 3f;
        expected[163] = 34.25f;
        try (Arena arena = Arena.ofConfined()) {
            check(tensor(arena, GgmlType.Q4_K, b), expected);
        }
    }

    @Test
    void q5_K() {
        // as Q4_K, plus qh (bytes 16..47): qh[0] = 0x09 sets bit 0 (element 0 +16) and bit 3 (element 96, in
        // sub-block 3 whose scale is 0); qh[3] = 0x20 sets bit 5 (element 163 +16). qs starts at byte 48.
        int[] b = kHeader(176);
        b[16] = 0x09;
        b[16 + 3] = 0x20;
        b[48] = 0x27;          // element 0: 1 * (7 + 16) - 1 = 22; element 32: 1.5 * 2 = 3
        b[48 + 64 + 3] = 0x50; // element 163: 8.5 * (5 + 16) - 8.25 = 170.25
        float[] expected = new float[256];
        Arrays.fill(expected, 0, 32, -1f);
        Arrays.fill(expected, 160, 192, -8.25f);
        expected[0] = 22f;
        expected[32] = 3f;
        expected[163] = 170.25f;
        try (Arena arena = Arena.ofConfined()) {
            check(tensor(arena, GgmlType.Q5_K, b), expected);
        }
    }

    @Test
    void q2_K() {
        // d = 0.5 (bytes 80..81), dmin = 0.25 (82..83); scales (bytes 0..15, low nibble scale, high nibble min):
        // sub-block 0: 2, 4 -> 1.0 * q - 1.0; sub-block 1: 3, 0 -> 1.5 * q; sub-block 6: 15, 15 -> 7.5 * q - 3.75;
        // sub-block 11: 1, 2 -> 0.5 * q - 0.5; all others 0 * q - 0 = 0
        int[] b = new int[84];
        b[81] = 0x38;
        b[83] = 0x34;
        b[0] = 0x42;
        b[1] = 0x03;
        b[6] = 0xFF;
        b[11] = 0x21;
        // qs starts at byte 16; sub-block k = 8n + 2j + h takes bits 2j of qs[32n + 16h + l]
        b[16] = 0xE7;      // qs[0] = 11 10 01 11: element 0 (j 0) q 3, 32 (j 1) q 1, 64 (j 2) q 2, 96 (j 3) q 3
        b[16 + 21] = 0x02; // qs[21] (n 0, h 1, l 5): element 21 q 2
        b[16 + 63] = 0x0C; // qs[63] (n 1, h 1, l 15): bits 2-3 -> element 128 + 32 + 16 + 15 = 191 q 3
        float[] expected = new float[256];
        Arrays.fill(expected, 0, 16, -1f);
        Arrays.fill(expected, 96, 112, -3.75f);
        Arrays.fill(expected, 176, 192, -0.5f);
        expected[0] = 2f;      // 1.0 * 3 - 1.0
        expected[21] = 3f;     // 1.5 * 2 - 0
        expected[96] = 18.75f; // 7.5 * 3 - 3.75 (elements 32 and 64 are in sub-blocks 2 and 4, scale 0: 0)
        expected[191] = 1f;    // 0.5 * 3 - 0.5
        try (Arena arena = Arena.ofConfined()) {
            check(tensor(arena, GgmlType.Q2_K, b), expected);
        }
    }

    @Test
    void q3_K() {
        // d = 0.5 (bytes 108..109). Scales are stored plus 32 (u = sc + 32, 6 bits): the low 4 bits of scale k in
        // byte 96 + k % 8 (low nibble for k < 8, high nibble otherwise), the top 2 bits at bit 2 (k / 4) of byte
        // 104 + k % 4. Scale 0 is u = 32 (low 0, top 2), so every top-bit pair not named below is 2 (0xAA bytes).
        // k = 0: sc 2 (u 34: low 2, top 2); k = 1: sc -1 (u 31: low 15, top 1); k = 9: sc -32 (u 0: low 0, top 0);
        // k = 14: sc 31 (u 63: low 15, top 3). Multipliers d * sc: 1.0, -0.5, -16, 15.5, all others 0.
        int[] b = new int[110];
        b[109] = 0x38;
        b[96] = 0x02;  // k 0 low 2, k 8 low 0
        b[97] = 0x0F;  // k 1 low 15, k 9 low 0
        b[102] = 0xF0; // k 6 low 0, k 14 low 15
        b[104] = 0xAA; // top bits of k 0, 4, 8, 12: all 2
        b[105] = 0x89; // k 1: 1 (bits 0-1), k 5: 2, k 9: 0 (bits 4-5), k 13: 2 -> 10 00 10 01
        b[106] = 0xEA; // k 2, 6, 10: 2, k 14: 3 (bits 6-7) -> 11 10 10 10
        b[107] = 0xAA;
        // element 16k + l, k = 8n + 2j + h: q = bits 2j of qs[32n + 16h + l] (qs at byte 32), high bit = bit
        // 4n + j of hmask[16h + l] (hmask at byte 0); value = (d * sc) * (q - (high ? 0 : 4)). With everything
        // zero: q - 4 = -4.
        b[0] = 0x01;       // element 0: high bit
        b[32] = 0x03;      // element 0: q 3 -> 1.0 * 3 = 3
        b[32 + 5] = 0x02;  // element 5: q 2, no high bit -> 1.0 * (2 - 4) = -2
        b[19] = 0x01;      // element 19 (k 1, h 1, l 3): high bit
        b[32 + 16 + 3] = 0x01; // element 19: q 1 -> -0.5 * 1 = -0.5
        b[23] = 0x10;      // element 151 (k 9: n 1, j 0, h 1, l 7): high bit is bit 4 of hmask[23]
        b[32 + 32 + 16 + 7] = 0x02; // its q 2 -> -16 * 2 = -32
        b[10] = 0x80;      // element 234 (k 14: n 1, j 3, h 0, l 10): high bit is bit 7 of hmask[10]
        b[32 + 32 + 10] = 0xC0; // its q 3 (bits 6-7) -> 15.5 * 3 = 46.5
        b[32 + 32 + 11] = 0x40; // element 235: q 1, no high bit -> 15.5 * (1 - 4) = -46.5
        float[] expected = new float[256];
        Arrays.fill(expected, -0f);            // scale 0: 0.0 * -4 = -0.0
        Arrays.fill(expected, 0, 16, -4f);     // 1.0 * -4
        Arrays.fill(expected, 16, 32, 2f);     // -0.5 * -4
        Arrays.fill(expected, 144, 160, 64f);  // -16 * -4
        Arrays.fill(expected, 224, 240, -62f); // 15.5 * -4
        expected[0] = 3f;
        expected[5] = -2f;
        expected[19] = -0.5f;
        expected[151] = -32f;
        expected[234] = 46.5f;
        expected[235] = -46.5f;
        try (Arena arena = Arena.ofConfined()) {
            check(tensor(arena, GgmlType.Q3_K, b), expected);
        }
    }

    @Test
    void q6_K() {
        // d = 0.5 (bytes 208..209); scales (bytes 192..207): sc[0] = 2, sc[2] = -1, sc[4] = 3, sc[6] = 1, sc[9] = -4
        int[] b = new int[210];
        b[209] = 0x38;
        b[192] = 2;
        b[194] = 0xFF;
        b[196] = 3;
        b[198] = 1;
        b[201] = 0xFC;
        // l = 0 of the first half: ql[0] = 0x5A, ql[32] = 0x3C, qh[0] = 0b11_10_01_00
        b[0] = 0x5A;
        b[32] = 0x3C;
        b[128] = 0xE4;
        // l = 17 of the second half (element 145, scale sc[9]): ql[64 + 17] low nibble 15, qh[32 + 17] bits 0-1 = 2
        b[64 + 17] = 0x0F;
        b[128 + 32 + 17] = 0x02;
        // every other element has q = 0 - 32 = -32: (0.5 * sc) * -32, i.e. -0.0 where the scale is 0
        float[] expected = new float[256];
        Arrays.fill(expected, -0f);
        Arrays.fill(expected, 0, 16, -32f);    // sc[0]: 1.0 * -32
        Arrays.fill(expected, 32, 48, 16f);    // sc[2]: -0.5 * -32
        Arrays.fill(expected, 64, 80, -48f);   // sc[4]: 1.5 * -32
        Arrays.fill(expected, 96, 112, -16f);  // sc[6]: 0.5 * -32
        Arrays.fill(expected, 144, 160, 64f);  // sc[9]: -2 * -32
        expected[0] = -22f;   // (10 | 0 << 4) - 32 = -22, times 1.0
        expected[32] = 2f;    // (12 | 1 << 4) - 32 = -4, times -0.5
        expected[64] = 7.5f;  // (5 | 2 << 4) - 32 = 5, times 1.5
        expected[96] = 9.5f;  // (3 | 3 << 4) - 32 = 19, times 0.5
        expected[145] = -30f; // (15 | 2 << 4) - 32 = 15, times -2
        expected[177] = 0f;   // same byte's second field: (0 | 0) - 32 under sc[11] = 0 -> 0 * -32 = -0.0
        expected[177] = -0f;
        try (Arena arena = Arena.ofConfined()) {
            check(tensor(arena, GgmlType.Q6_K, b), expected);
        }
    }

    /** kvalues_iq4nl, the table of IQ4_NL and IQ4_XS, written out here independently of the decoders. */
    private static final int[] T = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    @Test
    void iq4_NL() {
        // d = -1.5 (F16 0xBE00); element j < 16 = d * T[qs[j] & 0xF], element j + 16 = d * T[qs[j] >> 4]
        int[] b = new int[18];
        b[1] = 0xBE;
        b[2] = 0x0F; // element 0: -1.5 * T[15] = -1.5 * 113 = -169.5; element 16: -1.5 * T[0] = -1.5 * -127 = 190.5
        b[3] = 0x97; // element 1: -1.5 * T[7] = -1.5 * -10 = 15; element 17: -1.5 * T[9] = -1.5 * 13 = -19.5
        for (int j = 2; j < 16; j++) {
            b[2 + j] = 0x88; // T[8] = 1: -1.5
        }
        float[] expected = new float[32];
        Arrays.fill(expected, -1.5f);
        expected[0] = -169.5f;
        expected[16] = 190.5f;
        expected[1] = 15f;
        expected[17] = -19.5f;
        assertThat(T[15] * -1.5).isEqualTo(-169.5); // the table is the one the comments use
        try (Arena arena = Arena.ofConfined()) {
            check(tensor(arena, GgmlType.IQ4_NL, b), expected);
        }
    }

    @Test
    void iq4_XS() {
        // d = 0.25 (0x3400); 6-bit sub-block scales ls (low 4 bits in scales_l nibbles, high 2 in scales_h):
        //   sub-block 0: ls = 33 = 0b10_0001 -> dl = 0.25 * 1 = 0.25
        //   sub-block 1: ls = 30 = 0b01_1110 -> dl = 0.25 * -2 = -0.5 (a negative scale)
        //   sub-block 5: ls = 63 = 0b11_1111 -> dl = 0.25 * 31 = 7.75
        //   sub-block 7: ls =  0 = 0b00_0000 -> dl = 0.25 * -32 = -8
        //   sub-blocks 2, 3, 4, 6: ls = 32 = 0b10_0000 -> dl = 0
        // scales_l = E1 00 F0 00 (sub-block 2i in the low nibble of byte i, 2i + 1 in the high one);
        // scales_h = 2 | 1 << 2 | 2 << 4 | 2 << 6 | 2 << 8 | 3 << 10 | 2 << 12 | 0 << 14 = 0x2EA6 (bytes A6 2E)
        int[] b = new int[136];
        b[1] = 0x34;
        b[2] = 0xA6;
        b[3] = 0x2E;
        b[4] = 0xE1;
        b[6] = 0xF0;
        // qs of sub-block ib start at byte 8 + 16 ib; low nibbles are its elements 0..15, high nibbles 16..31;
        // every byte left 0 is T[0] = -127 in both nibbles: dl * -127 (-0.0 where dl = 0)
        b[8] = 0xF8;           // element 0: 0.25 * T[8] = 0.25; element 16: 0.25 * T[15] = 28.25
        b[8 + 16 + 3] = 0x5B;  // element 35: -0.5 * T[11] = -19; element 51: -0.5 * T[5] = 17.5
        b[8 + 80 + 15] = 0x7E; // element 175: 7.75 * T[14] = 689.75; element 191: 7.75 * T[7] = -77.5
        b[8 + 112] = 0x1C;     // element 224: -8 * T[12] = -424; element 240: -8 * T[1] = 832
        float[] expected = new float[256];
        Arrays.fill(expected, -0f);
        Arrays.fill(expected, 0, 32, -31.75f);    // 0.25 * -127
        Arrays.fill(expected, 32, 64, 63.5f);     // -0.5 * -127
        Arrays.fill(expected, 160, 192, -984.25f); // 7.75 * -127
        Arrays.fill(expected, 224, 256, 1016f);   // -8 * -127
        expected[0] = 0.25f;
        expected[16] = 28.25f;
        expected[35] = -19f;
        expected[51] = 17.5f;
        expected[175] = 689.75f;
        expected[191] = -77.5f;
        expected[224] = -424f;
        expected[240] = 832f;
        try (Arena arena = Arena.ofConfined()) {
            check(tensor(arena, GgmlType.IQ4_XS, b), expected);
        }
    }
}
