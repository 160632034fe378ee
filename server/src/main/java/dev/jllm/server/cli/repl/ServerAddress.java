package dev.jllm.server.cli.repl;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where {@code jllm serve} would answer: {@code JLLM_HOST} as users write it ({@code host}, {@code host:port},
 * {@code http://host:port}), the port defaulting to jllm's 8080, like {@code OLLAMA_HOST} for Ollama.
 */
public final class ServerAddress {
    public static final String ENV = "JLLM_HOST";
    public static final String DEFAULT = "127.0.0.1:8080";
    private static final int DEFAULT_PORT = 8080;

    private ServerAddress() {
    }

    /**
     * The server's base URL ({@code http://host:port}, no trailing slash).
     *
     * @param host JLLM_HOST's value; null or blank for the default
     * @throws IllegalArgumentException naming the bad value
     */
    public static String baseUrl(String host) {
        String h = host == null || host.isBlank() ? DEFAULT : host.strip();
        String withScheme = h.contains("://") ? h : "http://" + h;
        URI u;
        try {
            u = new URI(withScheme);
        } catch (URISyntaxException e) {
            throw bad(h);
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null
                || (u.getRawQuery() != null) || (u.getRawFragment() != null)) {
            throw bad(h);
        }
        int port = u.getPort() != -1 ? u.getPort() : DEFAULT_PORT;
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String hostPart = u.getHost().contains(":") && !u.getHost().startsWith("[") ? "[" + u.getHost() + "]"
                : u.getHost();
        return scheme + "://" + hostPart + ":" + port + path;
    }

    private static IllegalArgumentException bad(String h) {
        return new IllegalArgumentException(ENV + " must be HOST, HOST:PORT or http://HOST:PORT, got '" + h + "'");
    }
}
