package dev.jllm.proxy;

import dev.jllm.api.LlmException;
import dev.jllm.api.LlmService;
import dev.jllm.api.LlmServiceFactory;
import dev.jllm.api.ServiceOptions;

/** Proxy mode for {@link dev.jllm.api.LlmServices}: an {@link LlmServiceProxy} to the options' server. */
public final class ProxyServiceFactory implements LlmServiceFactory {

    @Override
    public String mode() {
        return PROXY;
    }

    @Override
    public LlmService create(ServiceOptions options) {
        return builder(options).build();
    }

    /** A proxy builder set from {@code options} (a null limit keeps the proxy's own default). */
    static LlmServiceProxy.Builder builder(ServiceOptions options) {
        if (options.server() == null) {
            throw LlmException.invalid("proxy mode needs the jllm server's URL (JLLM_SERVER_URL), e.g."
                    + " http://127.0.0.1:8080");
        }
        LlmServiceProxy.Builder b = LlmServiceProxy.builder(options.server().toString())
                .apiKey(options.apiKey())
                .reconnectWindow(options.reconnectWindow());
        if (options.timeouts() != null) {
            b.timeouts(options.timeouts());
        }
        return b;
    }
}
