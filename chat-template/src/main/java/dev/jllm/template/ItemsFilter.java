package dev.jllm.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;

import java.util.List;
import java.util.Map;

/** Jinja2's {@code |items} filter: a dict's (key, value) pairs, as Llama 3.1's and Mistral's templates use. */
final class ItemsFilter implements com.hubspot.jinjava.lib.filter.Filter {

    @Override
    public String getName() {
        return "items";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        if (var == null) {
            return List.of();
        }
        if (!(var instanceof Map<?, ?> map)) {
            throw new PythonError("items filter needs a dict, got " + var.getClass().getSimpleName());
        }
        return PythonMethodResolver.items(map);
    }
}
