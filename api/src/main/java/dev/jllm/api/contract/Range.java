package dev.jllm.api.contract;

import dev.jllm.api.LlmException;

/**
 * One numeric request parameter's rule: its name and the values it takes. The HTTP layer checks a body's members
 * against it before binding; engines check a bound request against the same rule, so a request that reaches an
 * engine without the HTTP layer (in-process, through the proxy) is held to exactly the same bounds.
 *
 * @param name         the parameter, as on the wire
 * @param min          the smallest value allowed (excluded when {@code minExcluded})
 * @param max          the largest value allowed
 * @param minExcluded  whether {@code min} itself is refused (a penalty that must be positive)
 * @param expectation  what a refusal says the value must be, e.g. "must be between 0 and 2"
 */
public record Range(String name, double min, double max, boolean minExcluded, String expectation) {

    /** {@code min..max}, both included; refusals say "must be between min and max". */
    public static Range between(String name, double min, double max) {
        return new Range(name, min, max, false, "must be between " + show(min) + " and " + show(max));
    }

    /** {@code min} and above; refusals say "must be at least min". */
    public static Range atLeast(String name, double min) {
        return new Range(name, min, Double.MAX_VALUE, false, "must be at least " + show(min));
    }

    /** Above {@code min}, with the refusal's own wording. */
    public static Range above(String name, double min, String expectation) {
        return new Range(name, min, Double.MAX_VALUE, true, expectation);
    }

    /** The same bounds with the refusal's own wording. */
    public Range saying(String newExpectation) {
        return new Range(name, min, max, minExcluded, newExpectation);
    }

    /** The same bounds for another parameter (max_completion_tokens is max_tokens' newer name). */
    public Range named(String newName) {
        return new Range(newName, min, max, minExcluded, expectation);
    }

    public boolean allows(double v) {
        return !Double.isNaN(v) && (minExcluded ? v > min : v >= min) && v <= max;
    }

    /** The value, or INVALID_REQUEST naming this parameter: {@code invalid 'name': must be ..., got v}. */
    public double check(double v) {
        if (!allows(v)) {
            throw LlmException.invalidParam(name, expectation + ", got " + v);
        }
        return v;
    }

    /** As {@link #check(double)} for an integer parameter (the refusal shows the integer as sent). */
    public int check(int v) {
        if (!allows(v)) {
            throw LlmException.invalidParam(name, expectation + ", got " + v);
        }
        return v;
    }

    /** A bound as people write it: 2 rather than 2.0. */
    public static String show(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
