package dev.jllm.server.openai;

import dev.jllm.api.contract.Range;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, range-checked reads of one JSON object's members, each failure a 400 naming the member by its path
 * (e.g. {@code messages[2].role}). A member that is absent or JSON null reads as null: optional fields may be
 * sent as null, as OpenAI clients do.
 */
public final class JsonFields {

    private final JsonObject object;
    private final String path;

    public JsonFields(JsonObject object, String path) {
        this.object = object;
        this.path = path;
    }

    public static JsonFields of(JsonObject object) {
        return new JsonFields(object, "");
    }

    public JsonObject object() {
        return object;
    }

    /** The full name of a member, as reported in {@code param}. */
    public String param(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public boolean has(String key) {
        JsonValue v = object.get(key);
        return v != null && v != JsonValue.NULL;
    }

    /** Refuses members outside {@code known}, OpenAI's way: "Unrecognized request argument supplied: x". */
    public void allowOnly(Set<String> known) {
        Set<String> unknown = new TreeSet<>(object.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            String first = unknown.iterator().next();
            throw ApiException.invalid("Unrecognized request argument supplied: " + String.join(", ",
                    unknown.stream().map(this::param).toList()), param(first));
        }
    }

    public String string(String key) {
        JsonValue v = value(key);
        if (v == null) {
            return null;
        }
        if (v instanceof JsonString s) {
            return s.getString();
        }
        throw wrongType(key, "a string", v);
    }

    public String requiredString(String key) {
        String s = string(key);
        if (s == null) {
            throw ApiException.invalid("'" + param(key) + "' is required", param(key));
        }
        return s;
    }

    /** A string that must be one of {@code allowed}. */
    public String oneOf(String key, Set<String> allowed) {
        String s = string(key);
        if (s != null && !allowed.contains(s)) {
            throw ApiException.invalid("'" + param(key) + "' must be one of " + String.join(", ",
                    new TreeSet<>(allowed)) + "; got '" + s + "'", param(key));
        }
        return s;
    }

    public Boolean bool(String key) {
        JsonValue v = value(key);
        if (v == null) {
            return null;
        }
        if (v == JsonValue.TRUE) {
            return true;
        }
        if (v == JsonValue.FALSE) {
            return false;
        }
        throw wrongType(key, "a boolean", v);
    }

    /** A number member held to its contract {@link Range} (an excluded minimum is refused in the rule's words). */
    public Double number(Range r) {
        Double d = number(r.name(), r.min(), r.max());
        if (d != null && !r.allows(d)) {
            throw ApiException.invalid("'" + param(r.name()) + "' " + r.expectation(), param(r.name()));
        }
        return d;
    }

    /** An integer member held to its contract {@link Range}. */
    public Integer integer(Range r) {
        return integer(r.name(), (long) r.min(), (long) Math.min(r.max(), Integer.MAX_VALUE));
    }

    public Double number(String key, double min, double max) {
        JsonValue v = value(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof JsonNumber n)) {
            throw wrongType(key, "a number", v);
        }
        double d = n.doubleValue();
        if (!(d >= min && d <= max)) {
            throw ApiException.invalid("'" + param(key) + "' must be between " + show(min) + " and " + show(max)
                    + "; got " + n, param(key));
        }
        return d;
    }

    public Integer integer(String key, long min, long max) {
        Long l = longInteger(key, min, Math.min(max, Integer.MAX_VALUE));
        return l == null ? null : l.intValue();
    }

    public Long longInteger(String key, long min, long max) {
        JsonValue v = value(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof JsonNumber n)) {
            throw wrongType(key, "an integer", v);
        }
        BigDecimal d = n.bigDecimalValue();
        // 2.0 is an integer written with a fraction; 2.5 is not.
        if (d.stripTrailingZeros().scale() > 0) {
            throw wrongType(key, "an integer", v);
        }
        if (d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw ApiException.invalid("'" + param(key) + "' must be between " + min + " and " + max + "; got "
                    + n, param(key));
        }
        return d.longValueExact();
    }

    public JsonArray array(String key) {
        JsonValue v = value(key);
        if (v == null) {
            return null;
        }
        if (v instanceof JsonArray a) {
            return a;
        }
        throw wrongType(key, "an array", v);
    }

    public JsonObject objectMember(String key) {
        JsonValue v = value(key);
        if (v == null) {
            return null;
        }
        if (v instanceof JsonObject o) {
            return o;
        }
        throw wrongType(key, "an object", v);
    }

    /** The member as a nested reader, or null when absent. */
    public JsonFields nested(String key) {
        JsonObject o = objectMember(key);
        return o == null ? null : new JsonFields(o, param(key));
    }

    /** The i-th element of an array member as a nested reader; it must be an object. */
    public JsonFields element(String key, JsonArray array, int i) {
        JsonValue v = array.get(i);
        String p = param(key) + "[" + i + "]";
        if (v instanceof JsonObject o) {
            return new JsonFields(o, p);
        }
        throw ApiException.invalid("'" + p + "' must be an object, found " + typeName(v), p);
    }

    public JsonValue value(String key) {
        JsonValue v = object.get(key);
        return v == null || v == JsonValue.NULL ? null : v;
    }

    public ApiException wrongType(String key, String expected, JsonValue found) {
        return ApiException.invalid("'" + param(key) + "' must be " + expected + ", found " + typeName(found),
                param(key));
    }

    public static String typeName(JsonValue v) {
        return v.getValueType().toString().toLowerCase(Locale.ROOT);
    }

    private static String show(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
