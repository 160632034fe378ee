package dev.jllm.runtime.kv;

/**
 * How many sequences use one page (a page index across all layers, keys and values). Sequences that share a
 * prefix point at the same page arrays; the page's memory is counted once and released when the last user lets
 * go. A shared page is never written: a sequence about to write into one copies it first.
 */
final class PageRef {
    private int users = 1;

    int users() {
        return users;
    }

    void addUser() {
        users++;
    }

    /** @return true when that was the last user (the page's memory is free now) */
    boolean removeUser() {
        return --users == 0;
    }
}
