package dev.jllm.runtime.tokenizer;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8Test {

    /**
     * The JDK's decoder substitutes maximal invalid subparts too, except that it takes an encoded surrogate
     * (ED A0..BF xx) as one unit where the Unicode standard (and Python, and browsers) see three; inputs with
     * that pattern are left to {@link #unicodeStandardExample()} and {@link #encodedSurrogatesAreInvalidBytewise()}.
     */
    @Test
    void decodingMatchesTheJdkOnRandomBytes() {
        Random rnd = new Random(42);
        int[] interesting = {0x00, 0x41, 0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xED,
                0xEE, 0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xFF, 0x8F, 0x90};
        for (int round = 0; round < 20000; round++) {
            byte[] b = new byte[1 + rnd.nextInt(12)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (rnd.nextBoolean() ? interesting[rnd.nextInt(interesting.length)] : rnd.nextInt(256));
            }
            if (hasEncodedSurrogate(b)) {
                continue;
            }
            assertThat(Utf8.decode(b)).as("%s", java.util.HexFormat.of().formatHex(b))
                    .isEqualTo(new String(b, StandardCharsets.UTF_8));
        }
    }

    /** Unicode 15, chapter 3, table 3-8: U+FFFD for maximal subparts. */
    @Test
    void unicodeStandardExample() {
        byte[] b = java.util.HexFormat.of().parseHex("61F18080E180C262806380BF64");
        assertThat(Utf8.decode(b)).isEqualTo("a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd");
    }

    @Test
    void encodedSurrogatesAreInvalidBytewise() {
        assertThat(Utf8.decode(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).isEqualTo("\uFFFD\uFFFD\uFFFD");
    }

    private static boolean hasEncodedSurrogate(byte[] b) {
        for (int i = 0; i + 1 < b.length; i++) {
            if ((b[i] & 0xFF) == 0xED && (b[i + 1] & 0xFF) >= 0xA0 && (b[i + 1] & 0xFF) <= 0xBF) {
                return true;
            }
        }
        return false;
    }

    @Test
    void validTextRoundTrips() {
        String s = "aé中🦙\u0000\uFFFF\uD7FF\uE000\uDBFF\uDFFF";
        assertThat(Utf8.encode(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
        assertThat(Utf8.decode(Utf8.encode(s))).isEqualTo(s);
    }

    @Test
    void unpairedSurrogatesEncodeAsReplacementCharacter() {
        assertThat(Utf8.encode("a\uD800b\uDC00")).isEqualTo("a\uFFFDb\uFFFD".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void incompleteSequencesWaitAndDefinitelyInvalidOnesAreReplaced() {
        Utf8Assembler a = new Utf8Assembler();
        StringBuilder out = new StringBuilder();
        a.accept((byte) 0xF0, out);
        a.accept((byte) 0x9F, out);
        a.accept((byte) 0xA6, out);
        assertThat(out).isEmpty();
        assertThat(a.hasPending()).isTrue();
        a.accept((byte) 0x99, out);
        assertThat(out.toString()).isEqualTo("🦙");
        out.setLength(0);
        a.accept((byte) 0xE0, out);
        a.accept((byte) 0x80, out); // E0 80 would be an overlong encoding: invalid at once
        assertThat(out.toString()).isEqualTo("\uFFFD\uFFFD");
        assertThat(a.hasPending()).isFalse();
    }
}
