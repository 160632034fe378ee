package dev.jllm.runtime.sampling.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * GBNF expressions for the decimal integers in a range, digit by digit (the construction regular-expression
 * range generators use): no leading zeros, so each number has exactly one spelling. Bounds fit in a long; an
 * open upper bound allows up to {@link #MAX_DIGITS} digits.
 */
final class IntegerRanges {
    static final int MAX_DIGITS = 18;
    /** An open upper bound. */
    static final long UNBOUNDED = Long.MAX_VALUE;

    private IntegerRanges() {
    }

    /** The integers in {@code [lo, hi]} (either side may be null: open), as a parenthesized GBNF expression. */
    static String range(Long lo, Long hi) {
        List<String> alts = new ArrayList<>();
        if (lo == null || lo < 0) {
            // negatives: "-" followed by the magnitudes in [max(1, -hi), -lo]
            long magLo = hi == null || hi >= 0 ? 1 : -hi;
            long magHi = lo == null ? UNBOUNDED : -lo;
            if (magLo <= magHi) {
                alts.add("\"-\" " + nonNegative(magLo, magHi));
            }
        }
        if (hi == null || hi >= 0) {
            long from = lo == null || lo < 0 ? 0 : lo;
            long to = hi == null ? UNBOUNDED : hi;
            if (from <= to) {
                alts.add(nonNegative(from, to));
            }
        }
        if (alts.isEmpty()) {
            throw new GrammarException("the integer range is empty");
        }
        return "(" + String.join(" | ", alts) + ")";
    }

    /** {@code 0 <= lo <= hi}; {@code hi == UNBOUNDED}: no upper bound (longer numbers up to MAX_DIGITS). */
    static String nonNegative(long lo, long hi) {
        List<String> alts = new ArrayList<>();
        int dLo = digits(lo);
        if (hi == UNBOUNDED) {
            alts.add(sameLength(Long.toString(lo), "9".repeat(dLo)));
            if (dLo < MAX_DIGITS) {
                alts.add("[1-9] [0-9]{" + dLo + "," + (MAX_DIGITS - 1) + "}");
            }
        } else {
            int dHi = digits(hi);
            for (int d = dLo; d <= dHi; d++) {
                String from = d == dLo ? Long.toString(lo) : "1" + "0".repeat(d - 1);
                String to = d == dHi ? Long.toString(hi) : "9".repeat(d);
                alts.add(sameLength(from, to));
            }
        }
        return alts.size() == 1 ? alts.getFirst() : "(" + String.join(" | ", alts) + ")";
    }

    /** Numbers from {@code a} to {@code b}, both of the same length. */
    private static String sameLength(String a, String b) {
        int n = a.length();
        if (n == 0) {
            return "";
        }
        if (a.equals(b)) {
            return "\"" + a + "\"";
        }
        char a0 = a.charAt(0);
        char b0 = b.charAt(0);
        String restA = a.substring(1);
        String restB = b.substring(1);
        if (a0 == b0) {
            return "\"" + a0 + "\" " + sameLength(restA, restB);
        }
        if (restA.chars().allMatch(c -> c == '0') && restB.chars().allMatch(c -> c == '9')) {
            return "[" + a0 + "-" + b0 + "]" + (n > 1 ? " [0-9]{" + (n - 1) + "}" : "");
        }
        List<String> alts = new ArrayList<>();
        alts.add("\"" + a0 + "\" " + sameLength(restA, "9".repeat(n - 1)));
        if (a0 + 1 <= b0 - 1) {
            alts.add("[" + (char) (a0 + 1) + "-" + (char) (b0 - 1) + "]" + (n > 1 ? " [0-9]{" + (n - 1) + "}" : ""));
        }
        alts.add("\"" + b0 + "\" " + sameLength("0".repeat(n - 1), restB));
        return "(" + String.join(" | ", alts) + ")";
    }

    static int digits(long v) {
        return Long.toString(v).length();
    }
}
