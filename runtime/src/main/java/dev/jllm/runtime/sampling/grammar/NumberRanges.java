package dev.jllm.runtime.sampling.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * GBNF for JSON numbers (no exponent) between whole-number bounds, inclusive or exclusive: the integer part by
 * {@link IntegerRanges}, and at a bound the fraction restricted (zero at an inclusive upper bound, non-zero at
 * an exclusive lower one). Negative values are a minus sign and the mirrored range of magnitudes; "-0" is not
 * produced.
 */
final class NumberRanges {
    private static final String ANY = "(\".\" [0-9]{1,16})?";
    private static final String ZERO = "(\".\" \"0\"{1,16})?";
    private static final String NONZERO = "\".\" \"0\"{0,15} [1-9] [0-9]{0,15}";

    private NumberRanges() {
    }

    /** Numbers {@code x} with {@code lo <(=) x <(=) hi}; a null bound is open. */
    static String range(Long lo, boolean loExclusive, Long hi, boolean hiExclusive) {
        List<String> alts = new ArrayList<>();
        if (lo == null || lo < 0) {
            // magnitudes of the negatives: above max(0, -hi), up to -lo
            boolean fromZero = hi == null || hi >= 0;
            String neg = nonNegative(fromZero ? 0 : -hi, fromZero || hiExclusive, lo == null ? null : -lo, loExclusive);
            if (neg != null) {
                alts.add("\"-\" " + neg);
            }
        }
        if (hi == null || hi > 0 || (hi == 0 && !hiExclusive)) {
            boolean fromZero = lo == null || lo < 0;
            String pos = nonNegative(fromZero ? 0 : lo, !fromZero && loExclusive, hi, hiExclusive);
            if (pos != null) {
                alts.add(pos);
            }
        }
        if (alts.isEmpty()) {
            throw new GrammarException("the number range is empty");
        }
        return "(" + String.join(" | ", alts) + ")";
    }

    /** Non-negative numbers from {@code lo} to {@code hi} (null: open); null when there are none. */
    private static String nonNegative(long lo, boolean loExclusive, Long hi, boolean hiExclusive) {
        List<String> alts = new ArrayList<>();
        if (hi != null && hi < lo) {
            return null;
        }
        if (hi != null && hi == lo) {
            return loExclusive || hiExclusive ? null : "\"" + lo + "\" " + ZERO;
        }
        alts.add("\"" + lo + "\" " + (loExclusive ? NONZERO : ANY));
        if (hi == null) {
            alts.add(IntegerRanges.nonNegative(lo + 1, IntegerRanges.UNBOUNDED) + " " + ANY);
        } else {
            if (hi - lo >= 2) {
                alts.add(IntegerRanges.nonNegative(lo + 1, hi - 1) + " " + ANY);
            }
            if (!hiExclusive) {
                alts.add("\"" + hi + "\" " + ZERO);
            }
        }
        return "(" + String.join(" | ", alts) + ")";
    }
}
