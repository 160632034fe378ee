package dev.jllm.runtime.sampling.grammar;

import java.util.Arrays;

/**
 * The matcher's state between two bytes: the distinct stacks still alive (each with a byte set on top), and
 * whether the input so far is a complete sentence of the grammar. Reused, so stepping allocates only frames.
 */
final class StackSet {
    Frame[] items = new Frame[4];
    int size;
    boolean accept;

    void clear() {
        Arrays.fill(items, 0, size, null);
        size = 0;
        accept = false;
    }

    void add(Frame f) {
        for (int i = 0; i < size; i++) {
            if (items[i].hashCode() == f.hashCode() && items[i].equals(f)) {
                return;
            }
        }
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
        }
        items[size++] = f;
    }

    boolean isDead() {
        return size == 0 && !accept;
    }

    void copyFrom(StackSet o) {
        clear();
        if (items.length < o.size) {
            items = new Frame[o.items.length];
        }
        System.arraycopy(o.items, 0, items, 0, o.size);
        size = o.size;
        accept = o.accept;
    }
}
