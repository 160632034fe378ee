package dev.jllm.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;

import java.util.List;
import java.util.Map;

/**
 * {@code tojson}, as Hugging Face overrides it: {@code json.dumps(x, ensure_ascii=False, indent=indent,
 * separators=separators, sort_keys=sort_keys)} (Jinja2's own filter would HTML-escape {@code <>&'}).
 */
final class TojsonFilter implements Filter {

    @Override
    public String getName() {
        return "tojson";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        return filter(var, interpreter, args, Map.of());
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
        Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : (args.length > 0 ? args[0] : null);
        String indentText =
                switch (indent) {
                    case null -> null;
                    case Number n -> RenderMeter.spaces(n.longValue());
                    default -> indent.toString();
                };
        String itemSeparator = null;
        String keySeparator = null;
        if (kwargs.get("separators") instanceof List<?> separators && separators.size() == 2) {
            itemSeparator = String.valueOf(separators.get(0));
            keySeparator = String.valueOf(separators.get(1));
        }
        boolean sortKeys = PythonTruth.isTrue(kwargs.get("sort_keys"));
        boolean ensureAscii = PythonTruth.isTrue(kwargs.get("ensure_ascii"));
        return PythonJson.dumps(var, indentText, itemSeparator, keySeparator, sortKeys, ensureAscii);
    }
}
