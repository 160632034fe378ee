package dev.jllm.runtime.engine;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory sizes as users write them: {@code 1073741824}, {@code 512m}, {@code 512MB}, {@code 2g}, {@code 2GiB},
 * {@code 1.5g}. Suffixes are binary (k = 1024), case-insensitive, with an optional {@code b}/{@code ib}. The local
 * engine's {@code kv_memory} and the server's {@code --memory-budget} are read with it.
 */
public final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?b)?");

    private ByteSize() {
    }

    /** @throws IllegalArgumentException naming what is wrong, for anything else or a size of 0 */
    public static long parse(String text) {
        String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        Matcher m = SIZE.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a memory size (e.g. 512m, 2g, 1073741824)");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        double bytes = Double.parseDouble(m.group(1)) * (1L << shift);
        if (bytes < 1 || bytes >= Long.MAX_VALUE) {
            throw new IllegalArgumentException("'" + text + "' is not a usable memory size");
        }
        return (long) bytes;
    }
}
