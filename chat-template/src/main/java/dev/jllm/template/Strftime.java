package dev.jllm.template;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * Python's {@code datetime.strftime} in the C locale, for the {@code strftime_now(fmt)} helper Hugging Face
 * gives templates (Llama 3.2 prints "Today Date: 26 Jul 2024" with {@code "%d %b %Y"}).
 */
final class Strftime {

    private Strftime() {}

    static String format(ZonedDateTime t, String pattern) {
        StringBuilder out = new StringBuilder(pattern.length() + 16);
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 == pattern.length()) {
                out.append(c);
                continue;
            }
            char code = pattern.charAt(++i);
            // glibc's "%-d" drops the padding; Python on Linux passes it through to glibc.
            boolean unpadded = false;
            if (code == '-' && i + 1 < pattern.length()) {
                unpadded = true;
                code = pattern.charAt(++i);
            }
            switch (code) {
                case 'a' -> out.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> out.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'b', 'h' -> out.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'B' -> out.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'd' -> number(out, t.getDayOfMonth(), 2, unpadded);
                case 'e' -> out.append(unpadded ? "" : t.getDayOfMonth() < 10 ? " " : "").append(t.getDayOfMonth());
                case 'm' -> number(out, t.getMonthValue(), 2, unpadded);
                case 'y' -> number(out, t.getYear() % 100, 2, unpadded);
                case 'Y' -> out.append(t.getYear());
                case 'H' -> number(out, t.getHour(), 2, unpadded);
                case 'I' -> number(out, t.getHour() % 12 == 0 ? 12 : t.getHour() % 12, 2, unpadded);
                case 'M' -> number(out, t.getMinute(), 2, unpadded);
                case 'S' -> number(out, t.getSecond(), 2, unpadded);
                case 'f' -> number(out, t.getNano() / 1000, 6, false);
                case 'p' -> out.append(t.getHour() < 12 ? "AM" : "PM");
                case 'j' -> number(out, t.getDayOfYear(), 3, unpadded);
                case 'w' -> out.append(t.getDayOfWeek().getValue() % 7);
                case 'u' -> out.append(t.getDayOfWeek().getValue());
                case 'U' -> number(out, weekOfYear(t, 7), 2, unpadded);
                case 'W' -> number(out, weekOfYear(t, 1), 2, unpadded);
                // HF formats datetime.now(), a naive local time: its %z and %Z are empty.
                case 'z', 'Z' -> {}
                case 'F' -> out.append(format(t, "%Y-%m-%d"));
                case 'T' -> out.append(format(t, "%H:%M:%S"));
                case 'D' -> out.append(format(t, "%m/%d/%y"));
                case 'c' -> out.append(format(t, "%a %b %e %H:%M:%S %Y"));
                case 'x' -> out.append(format(t, "%m/%d/%y"));
                case 'X' -> out.append(format(t, "%H:%M:%S"));
                case '%' -> out.append('%');
                default -> out.append('%').append(unpadded ? "-" : "").append(code);
            }
        }
        return out.toString();
    }

    private static void number(StringBuilder out, int value, int width, boolean unpadded) {
        String digits = Integer.toString(value);
        if (!unpadded) {
            out.append("0".repeat(Math.max(0, width - digits.length())));
        }
        out.append(digits);
    }

    /** C's %U (weeks start Sunday, firstDay=7) and %W (weeks start Monday, firstDay=1): week 0 before the first. */
    private static int weekOfYear(ZonedDateTime t, int firstDay) {
        int dayOfYear0 = t.getDayOfYear() - 1;
        int weekday = t.get(ChronoField.DAY_OF_WEEK); // Monday=1 .. Sunday=7
        int daysSinceWeekStart = Math.floorMod(weekday - firstDay, 7);
        return (dayOfYear0 - daysSinceWeekStart + 7) / 7;
    }
}
