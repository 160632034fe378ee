package dev.jllm.runtime.sampling.grammar;

/**
 * One grammar stack as an immutable linked list: {@code pos} is the element to match next (a byte set at the
 * top of a stack), {@code parent} where to continue once the current alternative ends (null: the grammar is
 * matched). Stacks share their tails, and compare by structure (hash kept), so equal stacks reached along
 * different paths are one state and one cache entry.
 */
final class Frame {
    final int pos;
    final Frame parent;
    private final int hash;
    final int depth;

    Frame(int pos, Frame parent) {
        this.pos = pos;
        this.parent = parent;
        this.hash = parent == null ? pos : pos * 31 + parent.hash * 0x9E3779B1;
        this.depth = parent == null ? 1 : parent.depth + 1;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        Frame a = this;
        Frame b = (Frame) o;
        while (a != b) {
            if (a == null || b == null || a.hash != b.hash || a.pos != b.pos || a.depth != b.depth) {
                return false;
            }
            a = a.parent;
            b = b.parent;
        }
        return true;
    }
}
