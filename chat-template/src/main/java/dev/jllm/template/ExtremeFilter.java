package dev.jllm.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;

import java.util.Map;

/** Jinja2's {@code max} and {@code min} filters (Jinjava has neither), with the {@code attribute} argument. */
final class ExtremeFilter implements Filter {

    private final boolean max;

    ExtremeFilter(boolean max) {
        this.max = max;
    }

    @Override
    public String getName() {
        return max ? "max" : "min";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        return filter(var, interpreter, args, Map.of());
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
        if (!(var instanceof Iterable<?> items)) {
            throw new PythonError(getName() + " needs a list, got "
                    + (var == null ? "None" : var.getClass().getSimpleName()));
        }
        Object attribute = kwargs.get("attribute");
        Object best = null;
        Object bestKey = null;
        for (Object item : items) {
            Object key = attribute == null ? item : item instanceof Map<?, ?> m ? m.get(attribute.toString()) : null;
            if (best == null || (max ? compare(key, bestKey) > 0 : compare(key, bestKey) < 0)) {
                best = item;
                bestKey = key;
            }
        }
        return best;
    }

    private static int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof String x && b instanceof String y) {
            // Jinja2 compares strings case-insensitively by default.
            int folded = x.compareToIgnoreCase(y);
            return folded != 0 ? folded : x.compareTo(y);
        }
        throw new PythonError("cannot compare " + typeName(a) + " with " + typeName(b));
    }

    private static String typeName(Object o) {
        return o == null ? "None" : o.getClass().getSimpleName();
    }
}
