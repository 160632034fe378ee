package dev.jllm.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The one entry point: builds the {@link LlmService} of the mode asked for, the way the original service's
 * {@code serviceManager.initialize({ proxy })} did. Main mode runs instances in this JVM ({@code jllm-providers}
 * on the class path, plus {@code jllm-runtime} for the {@code local} engine); proxy mode forwards engine work to
 * a jllm server ({@code jllm-proxy-client}). The implementations are found with {@link ServiceLoader}, so this
 * module depends on neither; {@code info().mode()} of the service says which one was built.
 *
 * <pre>{@code
 * try (LlmService service = LlmServices.fromEnvironment()) {   // proxy if JLLM_SERVER_URL is set
 *     ...
 * }
 * }</pre>
 */
public final class LlmServices {

    /** Set to the server's URL to make {@link #fromEnvironment()} choose proxy mode. */
    public static final String SERVER_URL_ENV = "JLLM_SERVER_URL";
    /** The server's API key for proxy mode. */
    public static final String API_KEY_ENV = "JLLM_API_KEY";
    /** Main mode's home directory. */
    public static final String HOME_ENV = JllmHome.ENV;

    private LlmServices() {
    }

    /** A main-mode service with its home in JLLM_HOME (or ~/.jllm). */
    public static LlmService main() {
        return create(LlmServiceFactory.MAIN, ServiceOptions.DEFAULTS);
    }

    /** A main-mode service with its home in {@code home}. */
    public static LlmService main(Path home) {
        return create(LlmServiceFactory.MAIN, ServiceOptions.DEFAULTS.withHome(home));
    }

    /** A proxy to the jllm server at {@code server}, with default options and no API key. */
    public static LlmService proxy(URI server) {
        return proxy(server, ServiceOptions.DEFAULTS);
    }

    /** A proxy to the jllm server at {@code server} with these options (API key, timeouts, reconnect window). */
    public static LlmService proxy(URI server, ServiceOptions options) {
        if (server == null) {
            throw LlmException.invalid("proxy mode needs the jllm server's URL, e.g. http://127.0.0.1:8080");
        }
        return create(LlmServiceFactory.PROXY, options.withServer(server));
    }

    /**
     * Proxy mode when the environment variable {@code JLLM_SERVER_URL} is set (with {@code JLLM_API_KEY} as the
     * key), main mode otherwise (home from {@code JLLM_HOME}).
     */
    public static LlmService fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** {@link #fromEnvironment()} over the given variables (for tests and launchers). */
    public static LlmService fromEnvironment(Map<String, String> env) {
        String url = env.get(SERVER_URL_ENV);
        String home = env.get(HOME_ENV);
        ServiceOptions options = ServiceOptions.DEFAULTS
                .withApiKey(env.get(API_KEY_ENV))
                .withHome(home == null || home.isBlank() ? null : Path.of(home));
        if (url == null || url.isBlank()) {
            return create(LlmServiceFactory.MAIN, options);
        }
        try {
            return create(LlmServiceFactory.PROXY, options.withServer(new URI(url.strip())));
        } catch (URISyntaxException e) {
            throw LlmException.invalid(SERVER_URL_ENV + " is not a URL: '" + url + "' (" + e.getReason() + ")");
        }
    }

    /** The service of {@code mode} ("main" or "proxy") built by the factory found on the class path. */
    public static LlmService create(String mode, ServiceOptions options) {
        Map<String, LlmServiceFactory> factories = factories();
        LlmServiceFactory f = factories.get(mode);
        if (f == null) {
            String jar = LlmServiceFactory.PROXY.equals(mode) ? "jllm-proxy-client" : "jllm-providers";
            throw new LlmException(LlmException.Kind.NOT_SUPPORTED, "no " + mode + "-mode service on the class"
                    + " path (add " + jar + "); found: " + (factories.isEmpty() ? "none" : factories.keySet()));
        }
        return f.create(options);
    }

    private static Map<String, LlmServiceFactory> factories() {
        Map<String, LlmServiceFactory> found = new TreeMap<>();
        ClassLoader own = LlmServices.class.getClassLoader();
        for (LlmServiceFactory f : ServiceLoader.load(LlmServiceFactory.class, own)) {
            found.putIfAbsent(f.mode(), f);
        }
        ClassLoader ctx = Thread.currentThread().getContextClassLoader();
        if (ctx != null && ctx != own) {
            for (LlmServiceFactory f : ServiceLoader.load(LlmServiceFactory.class, ctx)) {
                found.putIfAbsent(f.mode(), f);
            }
        }
        return found;
    }
}
