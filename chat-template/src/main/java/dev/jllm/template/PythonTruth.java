package dev.jllm.template;

import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.util.ObjectTruthValue;

/** Python's truthiness, where Jinjava's differs: to Jinjava the string "false" is false, to Python it is true. */
final class PythonTruth {

    private PythonTruth() {}

    static boolean isTrue(Object value) {
        if (value instanceof CharSequence s) {
            return !s.isEmpty();
        }
        if (value instanceof SafeString s) {
            return !s.toString().isEmpty();
        }
        return ObjectTruthValue.evaluate(value);
    }
}
