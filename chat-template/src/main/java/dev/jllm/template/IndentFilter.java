package dev.jllm.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Jinja2 3.x's {@code indent(width=4, first=False, blank=False)}; Jinjava's version only knows the old
 * {@code indentfirst} argument (Command R's tool template passes {@code first=True}).
 */
final class IndentFilter implements Filter {

    @Override
    public String getName() {
        return "indent";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        return filter(var, interpreter, args, Map.of());
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
        Object width = argument(args, kwargs, 0, "width", 4L);
        boolean first =
                PythonTruth.isTrue(argument(args, kwargs, 1, "first", kwargs.getOrDefault("indentfirst", false)));
        boolean blank = PythonTruth.isTrue(argument(args, kwargs, 2, "blank", false));
        String indention = width instanceof Number n ? RenderMeter.spaces(n.longValue()) : String.valueOf(width);
        return indent(PythonRepr.str(var), indention, first, blank);
    }

    static String indent(String s, String indention, boolean first, boolean blank) {
        // Jinja2 appends a newline before splitting, so a trailing newline survives as an empty last line.
        List<String> lines = splitLines(s + "\n");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i > 0) {
                out.append('\n');
                if (blank || !line.isEmpty()) {
                    out.append(indention);
                }
            }
            out.append(line);
        }
        return first ? indention + out : out.toString();
    }

    /** Python's str.splitlines(): line breaks are dropped, a final break does not start a new line. */
    private static List<String> splitLines(String s) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                lines.add(s.substring(start, i));
                i += 2;
                start = i;
            } else if (c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d || c == 0x1e
                    || c == 0x85 || c == '\u2028' || c == '\u2029') {
                lines.add(s.substring(start, i));
                i++;
                start = i;
            } else {
                i++;
            }
        }
        if (start < s.length()) {
            lines.add(s.substring(start));
        }
        return lines;
    }

    private static Object argument(Object[] args, Map<String, Object> kwargs, int position, String name,
                                   Object fallback) {
        if (kwargs.containsKey(name)) {
            return kwargs.get(name);
        }
        return args.length > position ? args[position] : fallback;
    }
}
