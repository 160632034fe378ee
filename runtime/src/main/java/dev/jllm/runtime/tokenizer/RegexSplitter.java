package dev.jllm.runtime.tokenizer;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pre-tokenizer stage given as a regular expression, run the way llama.cpp runs it through std::regex: every
 * match becomes a segment and so does every stretch between matches. A regex that uses the Unicode categories
 * {@code \p{L} \p{N} \p{P} \p{M} \p{S}} (and the letter subcategories) is applied to the collapsed text, where
 * every non-ASCII code point is one marker character per category, with each category rewritten to "its
 * marker plus its ASCII members"; any other regex runs on the text itself. Both subjects map non-ASCII
 * whitespace to U+000B, because std::regex's {@code \s}, like Java's default one, is ASCII-only.
 */
final class RegexSplitter implements Splitter {
    private static final List<String[]> CATEGORIES = List.of(
            new String[] {"\\p{N}", "\\x{D1}0-9"},
            new String[] {"\\p{L}", "\\x{D2}A-Za-z"},
            new String[] {"\\p{Lu}", "\\x{D2}A-Za-z"},
            new String[] {"\\p{Ll}", "\\x{D2}A-Za-z"},
            new String[] {"\\p{Lt}", "\\x{D2}A-Za-z"},
            new String[] {"\\p{Lm}", "\\x{D2}A-Za-z"},
            new String[] {"\\p{Lo}", "\\x{D2}A-Za-z"},
            new String[] {"\\p{P}", "\\x{D3}!-#%-*,-/:-;?-@\\[-\\]_\\{\\}"},
            new String[] {"\\p{M}", "\\x{D4}"},
            new String[] {"\\p{S}", "\\x{D5}\\$\\+<->\\^`\\|"});

    private final String source;
    private final boolean collapsed;
    private final Pattern pattern;

    RegexSplitter(String regex) {
        this.source = regex;
        this.collapsed = CATEGORIES.stream().anyMatch(c -> regex.contains(c[0]));
        this.pattern = Pattern.compile(translate(regex, collapsed));
    }

    @Override
    public IntList split(SplitText text, IntList segments) {
        IntList out = new IntList(segments.size() * 4 + 4);
        String subject = collapsed ? text.collapsed() : text.wide();
        Matcher m = pattern.matcher(subject);
        int start = 0;
        for (int s = 0; s < segments.size(); s++) {
            int end = start + segments.get(s);
            int from = toChar(text, start);
            int to = toChar(text, end);
            // opaque bounds (the default): lookarounds cannot see past the segment, as with std::regex_iterator
            m.region(from, to);
            int last = start;
            while (m.find()) {
                int ms = toCp(text, m.start());
                int me = toCp(text, m.end());
                if (ms > last) {
                    out.add(ms - last);
                }
                if (me > ms) {
                    out.add(me - ms);
                }
                last = me;
            }
            if (end > last) {
                out.add(end - last);
            }
            start = end;
        }
        return out;
    }

    private int toChar(SplitText t, int cp) {
        return collapsed ? cp : t.wideChar(cp);
    }

    private int toCp(SplitText t, int ch) {
        return collapsed ? ch : t.wideCp(ch);
    }

    /**
     * Rewrites an ECMAScript-flavoured llama.cpp regex into java.util.regex syntax: Unicode categories become
     * collapsed classes (when {@code collapse}), an unescaped {@code $} becomes {@code \z} (Java's {@code $}
     * would also match before a final line break), and inside a class {@code [} and {@code &} are escaped
     * (Java reads them as nested classes and intersections; ECMAScript as literals).
     */
    static String translate(String regex, boolean collapse) {
        StringBuilder out = new StringBuilder(regex.length() + 32);
        boolean inside = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                if (collapse && regex.charAt(i + 1) == 'p') {
                    String[] cat = category(regex, i);
                    if (cat != null) {
                        out.append(inside ? cat[1] : "[" + cat[1] + "]");
                        i += cat[0].length() - 1;
                        continue;
                    }
                }
                out.append(c).append(regex.charAt(i + 1));
                i++;
                continue;
            }
            if (!inside && c == '[') {
                inside = true;
                out.append(c);
                if (i + 1 < regex.length() && regex.charAt(i + 1) == '^') {
                    out.append('^');
                    i++;
                }
                continue;
            }
            if (inside && c == ']') {
                inside = false;
                out.append(c);
                continue;
            }
            if (inside && (c == '[' || c == '&')) {
                out.append('\\').append(c);
                continue;
            }
            if (!inside && c == '$') {
                out.append("\\z");
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }

    private static String[] category(String regex, int at) {
        for (String[] cat : CATEGORIES) {
            if (regex.startsWith(cat[0], at)) {
                return cat;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "RegexSplitter[" + source + "]";
    }
}
