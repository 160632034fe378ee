package dev.jllm.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;

/**
 * {@code from_json}: parses a JSON string (tool-call arguments that arrived as text). Not a Jinja2 or HF
 * filter but llama.cpp's engine has it, and templates written for it (DeepSeek V3.2/V4 in llama.cpp's
 * collection) reach users inside GGUF files.
 */
final class FromJsonFilter implements Filter {

    @Override
    public String getName() {
        return "from_json";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        if (!(var instanceof CharSequence text)) {
            return var;
        }
        try {
            return PythonJson.loads(text.toString());
        } catch (IllegalArgumentException e) {
            throw new PythonError("from_json: " + e.getMessage());
        }
    }
}
