package dev.jllm.tests.support;

/** Closes what a test class opened, in order, skipping what was never opened (a failed start). */
public final class Closing {

    private Closing() { }

    public static void all(AutoCloseable... things) throws Exception {
        for (AutoCloseable t : things) {
            if (t != null) {
                t.close();
            }
        }
    }
}
