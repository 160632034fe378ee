package dev.jllm.template;

/**
 * JSON for code beside the templates (tool-call parsing): the same reader and writer the templates use, so a
 * call's arguments read from model output and written back into the next prompt keep their key order and
 * number forms.
 */
public final class ChatJson {

    private ChatJson() {}

    /**
     * Reads one JSON value: objects as insertion-ordered maps, arrays as lists, integers as {@code Long}, other
     * numbers as {@code Double}.
     *
     * @throws IllegalArgumentException when the text is not exactly one JSON value
     */
    public static Object parse(String text) {
        try {
            return PythonJson.loads(text);
        } catch (PythonError e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** One line, no spaces after separators, non-ASCII kept: what OpenAI sends as a call's {@code arguments}. */
    public static String compact(Object value) {
        return PythonJson.dumps(value, null, ",", ":", false, false);
    }

    /** Python's {@code json.dumps(value, ensure_ascii=False)}: what Hugging Face templates print. */
    public static String python(Object value) {
        return PythonJson.dumps(value);
    }
}
