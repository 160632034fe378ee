package dev.jllm.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;

import java.util.Map;

/**
 * Jinja2's {@code is iterable} and {@code is sequence}, which hold for strings and dicts too. Llama 3.1
 * prints a tool result as JSON when {@code message.content is iterable}, which in Python includes a plain
 * string: its output keeps the quotes, and so must ours.
 */
final class PythonCollectionTests {

    private PythonCollectionTests() {}

    static boolean isIterable(Object value) {
        return value instanceof Iterable<?>
                || value instanceof Map<?, ?>
                || value instanceof CharSequence
                || (value != null && value.getClass().isArray());
    }

    /** {@code is iterable}: anything Python's iter() accepts. */
    static final ExpTest ITERABLE = new IterableTest("iterable");

    /**
     * {@code is sequence}: anything with a length and item access (strings, lists, dicts): among template values,
     * the same ones as are iterable.
     */
    static final ExpTest SEQUENCE = new IterableTest("sequence");

    private record IterableTest(String getName) implements ExpTest {
        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            return isIterable(var);
        }
    }
}
