package dev.jllm.tests.support;

/** Closing what a test class started, in order, whatever is missing (a start that failed halfway) or fails. */
public final class Closeables {

    private Closeables() { }

    /**
     * Closes each non-null one in the order given; the first failure is thrown once all were tried.
     */
    public static void closeAll(AutoCloseable... all) {
        RuntimeException first = null;
        for (AutoCloseable c : all) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException r ? r : new IllegalStateException("cannot close " + c, e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
