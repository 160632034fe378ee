package dev.jllm.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.objects.SafeString;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Any filter, held to the render's budget. Jinjava's filters build their result in one go, where no time check
 * can reach ({@code 'x'|center(10**9)} runs for a minute and allocates gigabytes; {@code '%999999999s'|format}
 * exhausts the heap), so what makes a result huge is refused before the filter runs: a size argument larger than
 * the budget's characters (no chat template passes numbers that large to a filter), or such a width in a
 * {@code format} string. A result longer than the budget ends the render too.
 */
final class BudgetedFilter implements Filter {

    /** A width or precision in a {@code %} conversion: {@code %-10s}, {@code %.3f}. */
    private static final Pattern FORMAT_WIDTH = Pattern.compile("%[-#0 +]*(\\d*)(?:\\.(\\d+))?");

    private final Filter filter;

    BudgetedFilter(Filter filter) {
        this.filter = filter;
    }

    @Override
    public String getName() {
        return filter.getName();
    }

    @Override
    public boolean preserveSafeString() {
        return filter.preserveSafeString();
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        checkArguments(var, args);
        return checkResult(filter.filter(var, interpreter, args));
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
        checkArguments(var, args);
        checkArguments(var, kwargs.values().toArray());
        return checkResult(filter.filter(var, interpreter, args, kwargs));
    }

    @Override
    public Object filter(SafeString var, JinjavaInterpreter interpreter, String... args) {
        checkArguments(var, args);
        return checkResult(filter.filter(var, interpreter, args));
    }

    private void checkArguments(Object var, Object[] args) {
        for (Object arg : args) {
            checkSize(number(arg));
        }
        if (getName().equals("format") && var != null) {
            Matcher m = FORMAT_WIDTH.matcher(var.toString());
            while (m.find()) {
                checkSize(digits(m.group(1)));
                checkSize(digits(m.group(2)));
            }
        }
    }

    private void checkSize(long size) {
        if (size != 0) {
            try {
                RenderMeter.checkLength(Math.abs(size));
            } catch (RenderMeter.Exceeded e) {
                throw new RenderMeter.Exceeded("its filter '" + getName() + "' is given " + size
                        + ", more characters than the budget allows");
            }
        }
    }

    private static Object checkResult(Object result) {
        // A filter over a long list can outlast the budget in one call: its result is not used then.
        RenderMeter.tick();
        if (result instanceof CharSequence s) {
            RenderMeter.checkLength(s.length());
        }
        return result;
    }

    /** The argument as a whole number, or 0 when it is not one; huge values saturate. */
    private static long number(Object arg) {
        return switch (arg) {
            case Number n -> n instanceof Double || n instanceof Float
                    ? (long) Math.min(Long.MAX_VALUE, Math.abs(n.doubleValue())) : n.longValue();
            case String s when !s.isBlank() && s.strip().chars().allMatch(Character::isDigit) -> digits(s.strip());
            case null, default -> 0;
        };
    }

    private static long digits(String s) {
        if (s == null || s.isEmpty()) {
            return 0;
        }
        return s.length() > 18 ? Long.MAX_VALUE : Long.parseLong(s);
    }
}
