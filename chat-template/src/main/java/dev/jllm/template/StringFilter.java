package dev.jllm.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;

/** {@code |string}: Python's {@code str(value)} ({@code ['a']}, {@code {'k': 1}}, {@code True}), not Java's. */
final class StringFilter implements Filter {

    @Override
    public String getName() {
        return "string";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        return PythonRepr.str(var);
    }
}
