package dev.jllm.template;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Python's {@code seq[start:stop:step]} for lists and strings. Jinjava parses only {@code [start:stop]};
 * templates such as Qwen3's walk the conversation backwards with {@code messages[::-1]}.
 */
final class PythonSlice {

    private PythonSlice() {}

    static Object slice(Object base, Object[] bounds) {
        Object start = bounds != null && bounds.length > 0 ? bounds[0] : null;
        Object stop = bounds != null && bounds.length > 1 ? bounds[1] : null;
        Object stepArg = bounds != null && bounds.length > 2 ? bounds[2] : null;
        long step = stepArg == null ? 1 : toLong(stepArg, "step");
        if (step == 0) {
            throw new PythonError("slice step cannot be zero");
        }
        if (base instanceof String s) {
            StringBuilder out = new StringBuilder();
            for (int i : indices(s.length(), start, stop, step)) {
                out.append(s.charAt(i));
            }
            return out.toString();
        }
        List<?> list =
                switch (base) {
                    case List<?> l -> l;
                    case Collection<?> c -> new ArrayList<>(c);
                    case Object[] array -> List.of(array);
                    default ->
                            throw new PythonError(
                                    "cannot slice a value of type " + base.getClass().getSimpleName());
                };
        List<Object> out = new ArrayList<>();
        for (int i : indices(list.size(), start, stop, step)) {
            out.add(list.get(i));
        }
        return out;
    }

    /** The indices {@code range(*slice(start, stop, step).indices(length))} visits. */
    private static int[] indices(int length, Object startArg, Object stopArg, long step) {
        long start;
        long stop;
        if (step > 0) {
            start = startArg == null ? 0 : clamp(toLong(startArg, "start"), length, 0, length);
            stop = stopArg == null ? length : clamp(toLong(stopArg, "stop"), length, 0, length);
        } else {
            start = startArg == null ? length - 1 : clamp(toLong(startArg, "start"), length, -1, length - 1);
            stop = stopArg == null ? -1 : clamp(toLong(stopArg, "stop"), length, -1, length - 1);
        }
        long count = step > 0 ? (stop - start + step - 1) / step : (start - stop - step - 1) / -step;
        if (count <= 0) {
            return new int[0];
        }
        int[] out = new int[(int) count];
        for (int k = 0; k < count; k++) {
            out[k] = (int) (start + k * step);
        }
        return out;
    }

    /** Negative indices count from the end; then the index is clamped to [low, high] like CPython does. */
    private static long clamp(long index, int length, long low, long high) {
        if (index < 0) {
            index += length;
        }
        return Math.max(low, Math.min(high, index));
    }

    private static long toLong(Object value, String what) {
        if (value instanceof Number number) {
            return number.longValue();
        }
        throw new PythonError("slice " + what + " must be an integer or none");
    }
}
