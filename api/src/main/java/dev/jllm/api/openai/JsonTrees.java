package dev.jllm.api.openai;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.JsonbException;

/** Small readers over JSON-P trees for the hand-written deserializers. */
final class JsonTrees {
    private JsonTrees() { }

    /** The string member, null when absent or JSON null; anything else is an error naming the member. */
    static String string(JsonObject o, String key) {
        JsonValue v = o.get(key);
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (v instanceof JsonString s) {
            return s.getString();
        }
        throw new JsonbException("\"" + key + "\" must be a string, found " + v.getValueType());
    }
}
