package dev.jllm.template;

import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
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
