package dev.jllm.api;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link LlmServices} builds a service. Main mode reads {@link #home()}; proxy mode reads the rest. Immutable:
 * the {@code with...} methods return changed copies.
 *
 * @param server          the jllm server's URL in proxy mode (null in main mode)
 * @param apiKey          the server's API key, or null
 * @param timeouts        time limits for talking to the server, or null for the mode's own defaults
 * @param reconnectWindow how long a proxy re-opens a lost job event stream before the call fails
 * @param home            main mode's JLLM_HOME (null: the {@code JLLM_HOME} environment variable, else ~/.jllm)
 */
public record ServiceOptions(URI server, String apiKey, HttpTimeouts timeouts, Duration reconnectWindow, Path home) {

    /** What a service gets when nothing is said: no server, no key, default time limits, a 30 s window. */
    public static final ServiceOptions DEFAULTS =
            new ServiceOptions(null, null, null, Duration.ofSeconds(30), null);

    public ServiceOptions {
        Objects.requireNonNull(reconnectWindow, "reconnectWindow");
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
    }

    public ServiceOptions withServer(URI s) {
        return new ServiceOptions(s, apiKey, timeouts, reconnectWindow, home);
    }

    public ServiceOptions withApiKey(String k) {
        return new ServiceOptions(server, k, timeouts, reconnectWindow, home);
    }

    public ServiceOptions withTimeouts(HttpTimeouts t) {
        return new ServiceOptions(server, apiKey, t, reconnectWindow, home);
    }

    public ServiceOptions withReconnectWindow(Duration d) {
        return new ServiceOptions(server, apiKey, timeouts, d, home);
    }

    public ServiceOptions withHome(Path h) {
        return new ServiceOptions(server, apiKey, timeouts, reconnectWindow, h);
    }
}
