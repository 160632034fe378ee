package dev.jllm.template;

import com.hubspot.jinjava.util.ForLoop;

import java.util.List;

/**
 * The {@code loop} variable of a for loop, with Jinja2's {@code loop.previtem} and {@code loop.nextitem}
 * (Jinjava's loop has neither; Qwen3.5-style templates use them to group tool responses).
 *
 * <p>Public only because Jinjava reads template properties through public getters; not an API.
 */
public final class PythonLoop extends ForLoop {

    private final List<?> items;

    PythonLoop(List<?> items) {
        super(items.iterator(), items.size());
        this.items = items;
    }

    /** The previous item, or null on the first iteration. Public for Jinjava's bean lookup. */
    public Object getPrevitem() {
        int i = getIndex0();
        return i > 0 ? items.get(i - 1) : null;
    }

    /** The next item, or null on the last iteration. Public for Jinjava's bean lookup. */
    public Object getNextitem() {
        int i = getIndex0();
        return i + 1 < items.size() ? items.get(i + 1) : null;
    }
}
