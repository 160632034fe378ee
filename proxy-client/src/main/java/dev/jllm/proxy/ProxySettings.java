package dev.jllm.proxy;

import dev.jllm.api.HttpTimeouts;
import dev.jllm.api.LlmException;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;

/**
 * How a proxy talks to its server.
 *
 * @param server          the server's root URL (scheme, host, port), without a trailing slash or "/v1"
 * @param apiKey          sent as a bearer token, or null
 * @param timeouts        connect: opening a connection; request: until the headers of any answer arrive;
 *                        idle: the longest silence on an event stream (the server sends a comment every 10 s)
 *                        before the connection counts as lost and is re-opened
 * @param reconnectWindow how long a lost event stream is re-opened before the call fails with UNAVAILABLE
 */
record ProxySettings(URI server, String apiKey, HttpTimeouts timeouts, Duration reconnectWindow) {

    /** 10 s to connect, 30 s for the headers of any answer, 30 s of silence on an event stream. */
    static final HttpTimeouts DEFAULT_TIMEOUTS = new HttpTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(30));

    ProxySettings {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(reconnectWindow, "reconnectWindow");
        if (reconnectWindow.isNegative()) {
            throw LlmException.invalid("the reconnect window must not be negative, got " + reconnectWindow);
        }
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
    }

    /** The server's URL checked and reduced to its root: "http://host:8080/v1/" becomes "http://host:8080". */
    static URI serverRoot(String url) {
        if (url == null || url.isBlank()) {
            throw LlmException.invalid("the proxy needs the jllm server's URL, e.g. http://127.0.0.1:8080");
        }
        String u = url.strip();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        if (u.endsWith("/v1")) {
            u = u.substring(0, u.length() - 3);
        }
        try {
            URI uri = new URI(u);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || uri.getHost() == null) {
                throw LlmException.invalid("the server URL must be an absolute http or https URL, got '" + url + "'");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw LlmException.invalid("the server URL must not have a query or fragment, got '" + url + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw LlmException.invalid("the server URL is not a valid URL: '" + url + "' (" + e.getReason() + ")");
        }
    }

    URI resolve(String path) {
        return URI.create(server + path);
    }
}
