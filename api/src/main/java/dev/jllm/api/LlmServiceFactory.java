package dev.jllm.api;

/**
 * Makes a whole {@link LlmService} of one mode. Found with {@link java.util.ServiceLoader} (listed in
 * {@code META-INF/services/dev.jllm.api.LlmServiceFactory}): {@code jllm-providers} brings "main"
 * ({@code LlmServiceMain}) and {@code jllm-proxy-client} brings "proxy" ({@code LlmServiceProxy}), so that
 * {@link dev.jllm.api.LlmServices} needs neither at compile time.
 */
public interface LlmServiceFactory {

    String MAIN = "main";
    String PROXY = "proxy";

    /** "main" or "proxy": what {@code info().mode()} of the services it makes says. */
    String mode();

    /**
     * @throws dev.jllm.api.LlmException INVALID_REQUEST for options this mode cannot use (e.g. no server URL)
     */
    LlmService create(ServiceOptions options);
}
