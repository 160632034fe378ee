package dev.jllm.runtime.sampling.grammar;

import java.util.Arrays;

/**
 * A matcher state during one vocabulary walk, immutable, with its transitions by byte filled in as they are
 * first taken. Equal states met at different trie nodes (the inside of a string after any character, say) are
 * one object, so most trie nodes cost one array lookup instead of a grammar step.
 */
final class WalkState {
    static final WalkState DEAD = new WalkState(new Frame[0], false);

    final Frame[] frames;
    final boolean accept;
    private final int hash;
    WalkState[] next;

    WalkState(Frame[] frames, boolean accept) {
        this.frames = frames;
        this.accept = accept;
        this.hash = Arrays.hashCode(frames) * 2 + (accept ? 1 : 0);
    }

    static WalkState of(StackSet s) {
        return s.isDead() ? DEAD : new WalkState(Arrays.copyOf(s.items, s.size), s.accept);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WalkState w && w.hash == hash && w.accept == accept && Arrays.equals(w.frames, frames);
    }
}
