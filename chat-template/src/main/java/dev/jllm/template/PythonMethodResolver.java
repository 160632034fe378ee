package dev.jllm.template;

import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Resolves Python method calls on template values ({@code s.strip()}, {@code d.items()}) and the slices
 * and string repetitions that {@link ExpressionRewriter} turns into method calls.
 *
 * <p>It sits first in Jinjava's resolver chain and claims only the calls it knows, so everything else
 * (attribute access, Jinjava's own list methods) falls through to the stock resolvers.
 */
final class PythonMethodResolver extends ELResolver {

    @Override
    public Object invoke(
            ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (base == null || method == null) {
            return null;
        }
        String name = method.toString();
        Object result;
        if (name.equals(ExpressionRewriter.SLICE_METHOD)) {
            result = PythonSlice.slice(base, params);
        } else if (name.equals(ExpressionRewriter.REPEAT_METHOD) && base instanceof String s) {
            result = repeat(s, params);
        } else if (base instanceof String s) {
            result = PythonStringMethods.invoke(s, name, params);
        } else if (base instanceof Map<?, ?> map) {
            result = dictMethod(map, name, params);
        } else {
            result = PythonStringMethods.UNKNOWN;
        }
        if (result == PythonStringMethods.UNKNOWN) {
            return null;
        }
        context.setPropertyResolved(true);
        return result;
    }

    private static String repeat(String s, Object[] params) {
        if (params == null || params.length != 1 || !(params[0] instanceof Number times)) {
            throw new PythonError("a string can only be multiplied by an integer");
        }
        long count = Math.max(0, times.longValue());
        // saturating: a count near Long.MAX_VALUE must not wrap round to a small product
        RenderMeter.checkLength(s.isEmpty() ? 0 : count > Integer.MAX_VALUE ? Long.MAX_VALUE : count * s.length());
        return s.repeat((int) count);
    }

    /** Python indexes a string by position: {@code s[0]}, {@code s[-1]}. */
    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        if (base instanceof String s && property != null) {
            Integer index = integerIndex(property);
            if (index != null) {
                int i = index < 0 ? index + s.length() : index;
                if (i < 0 || i >= s.length()) {
                    throw new PythonError("string index out of range");
                }
                context.setPropertyResolved(true);
                return String.valueOf(s.charAt(i));
            }
        }
        return null;
    }

    private static Integer integerIndex(Object property) {
        if (property instanceof Number n && !(property instanceof Double) && !(property instanceof Float)) {
            return n.intValue();
        }
        if (property instanceof String text && text.matches("-?\\d{1,9}")) {
            return Integer.parseInt(text);
        }
        return null;
    }

    /**
     * {@code dict.items()} (and the {@code items} filter): two-element lists, which Jinjava's for tag unpacks into
     * "key, value" and which index like tuples.
     */
    static List<Object> items(Map<?, ?> map) {
        List<Object> items = new ArrayList<>(map.size());
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            List<Object> pair = new ArrayList<>(2);
            pair.add(entry.getKey());
            pair.add(entry.getValue());
            items.add(pair);
        }
        return items;
    }

    private static Object dictMethod(Map<?, ?> map, String name, Object[] params) {
        int n = params == null ? 0 : params.length;
        return switch (name) {
            case "items" -> items(map);
            case "keys" -> new ArrayList<Object>(map.keySet());
            case "values" -> new ArrayList<Object>(map.values());
            case "get" -> {
                if (n == 0) {
                    throw new PythonError("get() takes at least 1 argument");
                }
                Object key = params[0];
                yield map.containsKey(key) ? map.get(key) : (n > 1 ? params[1] : null);
            }
            default -> PythonStringMethods.UNKNOWN;
        };
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {}

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
