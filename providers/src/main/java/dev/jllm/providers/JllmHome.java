package dev.jllm.providers;

import java.nio.file.Path;
import java.util.Map;

/** Where jllm keeps its state: {@code JLLM_HOME}, else the system property {@code jllm.home}, else ~/.jllm. */
public final class JllmHome {

    public static final String ENV = "JLLM_HOME";
    public static final String PROPERTY = "jllm.home";

    private JllmHome() { }

    public static Path resolve() {
        return resolve(System.getenv(), System.getProperty(PROPERTY), System.getProperty("user.home"));
    }

    static Path resolve(Map<String, String> env, String property, String userHome) {
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv.strip()).toAbsolutePath();
        }
        if (property != null && !property.isBlank()) {
            return Path.of(property.strip()).toAbsolutePath();
        }
        return Path.of(userHome, ".jllm").toAbsolutePath();
    }
}
