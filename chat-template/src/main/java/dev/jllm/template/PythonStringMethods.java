package dev.jllm.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code str} methods chat templates call ({@code content.strip()}, {@code .split('</think>')},
 * {@code .startswith(...)}), with Python's semantics. Jinjava would otherwise call the Java method of the
 * same name where one exists ({@code split} takes a regex there) and fail where none does.
 */
final class PythonStringMethods {

    /** Returned by {@link #invoke} for a method this class does not know. */
    static final Object UNKNOWN = new Object();

    private PythonStringMethods() {}

    static Object invoke(String s, String method, Object[] args) {
        int n = args == null ? 0 : args.length;
        return switch (method) {
            case "strip" -> strip(s, n > 0 ? args[0] : null, true, true);
            case "lstrip" -> strip(s, n > 0 ? args[0] : null, true, false);
            case "rstrip" -> strip(s, n > 0 ? args[0] : null, false, true);
            case "startswith" -> startsOrEndsWith(s, args, true);
            case "endswith" -> startsOrEndsWith(s, args, false);
            case "split" -> split(s, n > 0 ? args[0] : null, n > 1 ? intArg(args[1], "maxsplit") : -1);
            case "rsplit" -> rsplit(s, n > 0 ? args[0] : null, n > 1 ? intArg(args[1], "maxsplit") : -1);
            case "splitlines" -> s.lines().toList();
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "title" -> title(s);
            case "capitalize" ->
                    s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
            case "swapcase" -> swapcase(s);
            case "replace" -> replace(s, stringArg(args, 0, "old"), stringArg(args, 1, "new"),
                    n > 2 ? intArg(args[2], "count") : -1);
            case "find" -> (long) s.indexOf(stringArg(args, 0, "sub"));
            case "rfind" -> (long) s.lastIndexOf(stringArg(args, 0, "sub"));
            case "count" -> count(s, stringArg(args, 0, "sub"));
            case "join" -> join(s, n > 0 ? args[0] : null);
            case "removeprefix" -> {
                String prefix = stringArg(args, 0, "prefix");
                yield s.startsWith(prefix) ? s.substring(prefix.length()) : s;
            }
            case "removesuffix" -> {
                String suffix = stringArg(args, 0, "suffix");
                yield s.endsWith(suffix) && !suffix.isEmpty() ? s.substring(0, s.length() - suffix.length()) : s;
            }
            case "isdigit" -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            case "isalpha" -> !s.isEmpty() && s.chars().allMatch(Character::isLetter);
            case "isalnum" -> !s.isEmpty() && s.chars().allMatch(Character::isLetterOrDigit);
            case "isspace" -> !s.isEmpty() && s.chars().allMatch(PythonStringMethods::isSpace);
            case "isupper" -> hasCased(s) && s.equals(s.toUpperCase(Locale.ROOT));
            case "islower" -> hasCased(s) && s.equals(s.toLowerCase(Locale.ROOT));
            default -> UNKNOWN;
        };
    }

    /** Python's {@code str.isspace} per character: Unicode whitespace, including no-break spaces. */
    static boolean isSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
    }

    static String strip(String s, Object chars, boolean left, boolean right) {
        String set = chars == null ? null : chars.toString();
        int start = 0;
        int end = s.length();
        if (left) {
            while (start < end && stripped(s.charAt(start), set)) {
                start++;
            }
        }
        if (right) {
            while (end > start && stripped(s.charAt(end - 1), set)) {
                end--;
            }
        }
        return s.substring(start, end);
    }

    private static boolean stripped(char c, String set) {
        return set == null ? isSpace(c) : set.indexOf(c) >= 0;
    }

    private static boolean startsOrEndsWith(String s, Object[] args, boolean start) {
        if (args == null || args.length == 0) {
            throw new PythonError((start ? "startswith" : "endswith") + "() takes at least 1 argument");
        }
        // Python accepts a tuple of candidates; Jinja's (a, b) literal arrives as a list.
        if (args[0] instanceof Iterable<?> candidates) {
            for (Object candidate : candidates) {
                if (start ? s.startsWith(String.valueOf(candidate)) : s.endsWith(String.valueOf(candidate))) {
                    return true;
                }
            }
            return false;
        }
        String affix = String.valueOf(args[0]);
        return start ? s.startsWith(affix) : s.endsWith(affix);
    }

    static List<String> split(String s, Object separator, long maxSplit) {
        List<String> parts = new ArrayList<>();
        if (separator == null) {
            // No separator: split on runs of whitespace and drop empty strings.
            int i = 0;
            int len = s.length();
            while (true) {
                while (i < len && isSpace(s.charAt(i))) {
                    i++;
                }
                if (i == len) {
                    return parts;
                }
                if (maxSplit >= 0 && parts.size() == maxSplit) {
                    parts.add(s.substring(i));
                    return parts;
                }
                int start = i;
                while (i < len && !isSpace(s.charAt(i))) {
                    i++;
                }
                parts.add(s.substring(start, i));
            }
        }
        String sep = separator.toString();
        if (sep.isEmpty()) {
            throw new PythonError("empty separator");
        }
        int from = 0;
        while (maxSplit < 0 || parts.size() < maxSplit) {
            int at = s.indexOf(sep, from);
            if (at < 0) {
                break;
            }
            parts.add(s.substring(from, at));
            from = at + sep.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    private static List<String> rsplit(String s, Object separator, long maxSplit) {
        if (maxSplit < 0 || separator == null) {
            return separator == null && maxSplit >= 0 ? rsplitWhitespace(s, maxSplit) : split(s, separator, -1);
        }
        String sep = separator.toString();
        if (sep.isEmpty()) {
            throw new PythonError("empty separator");
        }
        List<String> reversed = new ArrayList<>();
        int to = s.length();
        while (reversed.size() < maxSplit) {
            int at = s.lastIndexOf(sep, to - sep.length());
            if (at < 0) {
                break;
            }
            reversed.add(s.substring(at + sep.length(), to));
            to = at;
        }
        reversed.add(s.substring(0, to));
        return reversed.reversed();
    }

    private static List<String> rsplitWhitespace(String s, long maxSplit) {
        List<String> reversed = new ArrayList<>();
        int i = s.length();
        while (true) {
            while (i > 0 && isSpace(s.charAt(i - 1))) {
                i--;
            }
            if (i == 0) {
                return reversed.reversed();
            }
            if (reversed.size() == maxSplit) {
                reversed.add(s.substring(0, i));
                return reversed.reversed();
            }
            int end = i;
            while (i > 0 && !isSpace(s.charAt(i - 1))) {
                i--;
            }
            reversed.add(s.substring(i, end));
        }
    }

    /** Python's title(): a letter after a non-letter starts a word and is upper-cased, others lower-cased. */
    static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(previousCased ? Character.toLowerCase(c) : Character.toTitleCase(c));
            previousCased = Character.isLetter(c);
        }
        return out.toString();
    }

    private static String swapcase(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return out.toString();
    }

    private static String replace(String s, String old, String replacement, long count) {
        long occurrences = count < 0 ? count(s, old) : Math.min(count, count(s, old));
        RenderMeter.checkLength(s.length() + occurrences * Math.max(0, replacement.length() - old.length()));
        if (count < 0) {
            return s.replace(old, replacement);
        }
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (long done = 0; done < count; done++) {
            int at = s.indexOf(old, from);
            if (at < 0) {
                break;
            }
            out.append(s, from, at).append(replacement);
            from = at + old.length();
            if (old.isEmpty()) {
                // Python inserts the replacement between every character: advance past one.
                if (from >= s.length()) {
                    return out.toString();
                }
                out.append(s.charAt(from));
                from++;
            }
        }
        return out.append(s.substring(from)).toString();
    }

    private static long count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.length() + 1L;
        }
        long count = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            count++;
        }
        return count;
    }

    private static String join(String separator, Object items) {
        if (!(items instanceof Iterable<?> iterable)) {
            throw new PythonError("join() needs a list");
        }
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (Object item : iterable) {
            if (!first) {
                out.append(separator);
            }
            first = false;
            out.append(item);
            RenderMeter.checkLength(out.length());
        }
        return out.toString();
    }

    private static boolean hasCased(String s) {
        return s.chars().anyMatch(Character::isLetter);
    }

    private static String stringArg(Object[] args, int index, String name) {
        if (args == null || args.length <= index || args[index] == null) {
            throw new PythonError("missing argument '" + name + "'");
        }
        return args[index].toString();
    }

    private static long intArg(Object arg, String name) {
        if (arg instanceof Number number) {
            return number.longValue();
        }
        throw new PythonError("'" + name + "' must be an integer");
    }
}
