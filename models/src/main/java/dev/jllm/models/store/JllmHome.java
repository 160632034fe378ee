package dev.jllm.models.store;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/** jllm's own directory: {@code JLLM_HOME}, else the system property {@code jllm.home}, else {@code ~/.jllm}. */
public final class JllmHome {
    private JllmHome() {
    }

    public static Path resolve() {
        return resolve(System.getenv(), System.getProperties());
    }

    static Path resolve(Map<String, String> env, Properties props) {
        String dir = env.get("JLLM_HOME");
        if (dir == null || dir.isBlank()) {
            dir = props.getProperty("jllm.home");
        }
        if (dir == null || dir.isBlank()) {
            return Path.of(props.getProperty("user.home"), ".jllm").toAbsolutePath();
        }
        return Path.of(dir.strip()).toAbsolutePath();
    }

    /** Where pulled models live. */
    public static Path models(Path home) {
        return home.resolve("models");
    }
}
