package dev.jllm.api;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * jllm's own directory and every file it keeps there: {@code JLLM_HOME}, else the system property
 * {@code jllm.home}, else {@code ~/.jllm}. The one place that knows these names, so that the model store, the
 * service's saved state, the server's aliases and the chat history all agree on where they live.
 *
 * @param dir the directory (absolute; created by whoever writes into it first)
 */
public record JllmHome(Path dir) {

    public static final String ENV = "JLLM_HOME";
    public static final String PROPERTY = "jllm.home";

    public JllmHome {
        dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
    }

    /** The home this process uses, from its environment and system properties. */
    public static JllmHome resolve() {
        return resolve(System.getenv(), System.getProperties());
    }

    /** The home named by these variables and properties (the environment wins, then the property). */
    public static JllmHome resolve(Map<String, String> env, Properties props) {
        String dir = env.get(ENV);
        if (dir == null || dir.isBlank()) {
            dir = props.getProperty(PROPERTY);
        }
        if (dir == null || dir.isBlank()) {
            return new JllmHome(Path.of(props.getProperty("user.home"), ".jllm"));
        }
        return new JllmHome(Path.of(dir.strip()));
    }

    /** The model store: pulled models, one directory each. */
    public Path models() {
        return dir.resolve("models");
    }

    /** The instances created through the service, with their configs (owner-readable only: they hold keys). */
    public Path instances() {
        return dir.resolve("instances.json");
    }

    /** The current model. */
    public Path currentModel() {
        return dir.resolve("current-model.json");
    }

    /** The server's model aliases ({@code jllm cp}). */
    public Path aliases() {
        return dir.resolve("aliases.json");
    }

    /** {@code jllm run}'s input history. */
    public Path history() {
        return dir.resolve("history");
    }
}
