package dev.jllm.server.openai;

/**
 * The {@code system_fingerprint} of jllm's answers (OpenAI's and llama-server's answers carry one; clients log it
 * to tell backends apart): the server's name and version, for answers whose instance gave none.
 */
public final class SystemFingerprint {

    public static final String VALUE = "jllm-" + version();

    private SystemFingerprint() { }

    private static String version() {
        String v = SystemFingerprint.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The instance's fingerprint, or jllm's. */
    public static String or(String fromInstance) {
        return fromInstance == null || fromInstance.isBlank() ? VALUE : fromInstance;
    }
}
