package dev.jllm.template;

import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The global functions Hugging Face adds to every chat template's environment. Jinjava calls them by
 * reflection ({@link JinjaEnvironment} registers them).
 */
final class TemplateFunctions {

    private TemplateFunctions() {}

    /** Thrown by {@code raise_exception(msg)}; {@link ChatTemplate} reports its message. */
    static final class RaisedByTemplate extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RaisedByTemplate(String message) {
            super(message, null, false, false);
        }
    }

    /** {@code raise_exception(msg)}: the template rejects the conversation. */
    static Object raiseException(Object message) {
        throw new RaisedByTemplate(message == null ? "(no message)" : message.toString());
    }

    /** {@code strftime_now(fmt)}: the current local time, formatted like Python's strftime. */
    static String strftimeNow(Object format) {
        JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
        long millis = interpreter.getConfig().getDateTimeProvider().getCurrentTimeMillis();
        ZoneId zone = interpreter.getConfig().getTimeZone();
        return Strftime.format(
                ZonedDateTime.ofInstant(Instant.ofEpochMilli(millis), zone), format == null ? "" : format.toString());
    }

    /**
     * Python's {@code range(stop)} / {@code range(start, stop[, step])}. Jinjava's own cuts a long range short
     * without a word; here a range the template could not hold within its budget ends the render instead, and
     * any shorter one is complete.
     */
    static List<Long> range(Object first, Object... rest) {
        long start = 0;
        long stop;
        long step = 1;
        if (rest == null || rest.length == 0) {
            stop = integer(first);
        } else {
            start = integer(first);
            stop = integer(rest[0]);
            step = rest.length > 1 ? integer(rest[1]) : 1;
        }
        if (step == 0) {
            throw new PythonError("range() arg 3 must not be zero");
        }
        long count = step > 0
                ? (stop <= start ? 0 : 1 + ((stop - 1 - start) / step))
                : (stop >= start ? 0 : 1 + ((start - 1 - stop) / -step));
        if (count > JinjaEnvironment.MAX_COLLECTION_SIZE) {
            throw new RenderMeter.Exceeded("range() of " + count + " items is more than the "
                    + JinjaEnvironment.MAX_COLLECTION_SIZE + " a template may build");
        }
        List<Long> items = new ArrayList<>((int) count);
        for (long i = 0, v = start; i < count; i++, v += step) {
            items.add(v);
        }
        return items;
    }

    private static long integer(Object value) {
        if (value instanceof Number n && !(n instanceof Double || n instanceof Float)) {
            return n.longValue();
        }
        if (value instanceof String s) {
            try {
                return Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                // reported below, as Python would
            }
        }
        throw new PythonError("range() takes integers, not " + PythonRepr.repr(value));
    }

    /** Jinja2's {@code dict(mapping?, **kwargs)}: {@code dict(call_id=id, content=c)}, keys in call order. */
    static Map<Object, Object> dict(Object... params) {
        Map<Object, Object> dict = new LinkedHashMap<>();
        for (Object param : params) {
            if (param instanceof NamedParameter named) {
                dict.put(named.getName(), named.getValue());
            } else if (param instanceof Map<?, ?> map) {
                dict.putAll(map);
            } else if (param != null) {
                throw new PythonError("dict() takes a mapping and keyword arguments");
            }
        }
        return dict;
    }
}
