package dev.jllm.runtime.sampling.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a set of Unicode code point ranges into sequences of byte ranges matching exactly their UTF-8
 * encodings (the construction RE2 and Rust's regex use). The grammar then works on bytes, so a token that ends
 * in the middle of a character needs no special state: the matcher is simply between two byte elements.
 * Surrogates (U+D800..U+DFFF) have no UTF-8 encoding and are left out.
 */
final class Utf8Ranges {
    static final int MAX = 0x10FFFF;

    private Utf8Ranges() {
    }

    /** One byte sequence: {@code lo[i] <= byte i <= hi[i]} for each i. */
    record Seq(int[] lo, int[] hi) {
        int length() {
            return lo.length;
        }
    }

    /** The byte sequences of ranges {@code [from[i], to[i]]} (inclusive, any order, may overlap). */
    static List<Seq> of(List<int[]> ranges) {
        List<Seq> out = new ArrayList<>();
        for (int[] r : normalize(ranges)) {
            split(r[0], r[1], out);
        }
        return out;
    }

    /** Sorted, merged, without surrogates. */
    static List<int[]> normalize(List<int[]> ranges) {
        List<int[]> sorted = new ArrayList<>();
        for (int[] r : ranges) {
            int lo = Math.max(0, r[0]);
            int hi = Math.min(MAX, r[1]);
            if (lo > hi) {
                continue;
            }
            // cut out the surrogates
            if (lo < 0xD800 && hi > 0xDFFF) {
                sorted.add(new int[] {lo, 0xD7FF});
                sorted.add(new int[] {0xE000, hi});
            } else if (lo >= 0xD800 && hi <= 0xDFFF) {
                continue;
            } else if (lo >= 0xD800 && lo <= 0xDFFF) {
                sorted.add(new int[] {0xE000, hi});
            } else if (hi >= 0xD800 && hi <= 0xDFFF) {
                sorted.add(new int[] {lo, 0xD7FF});
            } else {
                sorted.add(new int[] {lo, hi});
            }
        }
        sorted.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<int[]> merged = new ArrayList<>();
        for (int[] r : sorted) {
            if (!merged.isEmpty() && merged.getLast()[1] >= r[0] - 1) {
                merged.getLast()[1] = Math.max(merged.getLast()[1], r[1]);
            } else {
                merged.add(new int[] {r[0], r[1]});
            }
        }
        return merged;
    }

    /** The complement of the ranges within [0, MAX]. */
    static List<int[]> complement(List<int[]> ranges) {
        List<int[]> out = new ArrayList<>();
        int next = 0;
        for (int[] r : normalize(ranges)) {
            if (r[0] > next) {
                out.add(new int[] {next, r[0] - 1});
            }
            next = r[1] + 1;
        }
        if (next <= MAX) {
            out.add(new int[] {next, MAX});
        }
        return out;
    }

    private static final int[] LENGTH_LIMITS = {0x7F, 0x7FF, 0xFFFF, MAX};

    private static void split(int lo, int hi, List<Seq> out) {
        // first: ranges whose ends encode to different lengths
        for (int limit : LENGTH_LIMITS) {
            if (lo <= limit && hi > limit) {
                split(lo, limit, out);
                split(limit + 1, hi, out);
                return;
            }
        }
        int n = encodedLength(lo);
        // then: split until every continuation byte spans its full range or a single value
        for (int i = 1; i < n; i++) {
            int m = (1 << (6 * i)) - 1;
            if ((lo & ~m) != (hi & ~m)) {
                if ((lo & m) != 0) {
                    split(lo, lo | m, out);
                    split((lo | m) + 1, hi, out);
                    return;
                }
                if ((hi & m) != m) {
                    split(lo, (hi & ~m) - 1, out);
                    split(hi & ~m, hi, out);
                    return;
                }
            }
        }
        byte[] a = encode(lo);
        byte[] b = encode(hi);
        int[] l = new int[n];
        int[] h = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = a[i] & 0xFF;
            h[i] = b[i] & 0xFF;
        }
        out.add(new Seq(l, h));
    }

    static int encodedLength(int cp) {
        return cp <= 0x7F ? 1 : cp <= 0x7FF ? 2 : cp <= 0xFFFF ? 3 : 4;
    }

    static byte[] encode(int cp) {
        return switch (encodedLength(cp)) {
            case 1 -> new byte[] {(byte) cp};
            case 2 -> new byte[] {(byte) (0xC0 | cp >> 6), (byte) (0x80 | cp & 0x3F)};
            case 3 -> new byte[] {(byte) (0xE0 | cp >> 12), (byte) (0x80 | cp >> 6 & 0x3F), (byte) (0x80 | cp & 0x3F)};
            default -> new byte[] {(byte) (0xF0 | cp >> 18), (byte) (0x80 | cp >> 12 & 0x3F),
                    (byte) (0x80 | cp >> 6 & 0x3F), (byte) (0x80 | cp & 0x3F)};
        };
    }
}
