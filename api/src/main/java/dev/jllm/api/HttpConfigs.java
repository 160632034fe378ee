package dev.jllm.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Validation and rendering shared by the HTTP config records. */
final class HttpConfigs {

    private HttpConfigs() { }

    /** Checks that the URL is an absolute http(s) URL and drops trailing slashes. */
    static String normalizeBaseUrl(String url, String fallback) {
        String u = url == null || url.isBlank() ? fallback : url.strip();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        try {
            URI uri = new URI(u);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || uri.getHost() == null) {
                throw LlmException.invalid("base_url must be an absolute http or https URL, got '" + u + "'");
            }
        } catch (URISyntaxException e) {
            throw LlmException.invalid("base_url is not a valid URL: '" + u + "' (" + e.getReason() + ")");
        }
        return u;
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static Map<String, String> toMap(HttpLlmConfig c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ConfigOptions.BASE_URL, c.baseUrl());
        if (c.apiKey() != null) {
            m.put(ConfigOptions.API_KEY, c.apiKey());
        }
        m.put(ConfigOptions.CONNECT_TIMEOUT, c.timeouts().connect().toString());
        m.put(ConfigOptions.REQUEST_TIMEOUT, c.timeouts().request().toString());
        m.put(ConfigOptions.IDLE_TIMEOUT, c.timeouts().idle().toString());
        return m;
    }

    /** Records print their components; the key must never reach a log, so it is masked. */
    static String describe(HttpLlmConfig c) {
        String name = c.getClass().getSimpleName();
        return name + "[baseUrl=" + c.baseUrl() + ", apiKey=" + (c.apiKey() == null ? "none" : "***")
                + ", timeouts=" + c.timeouts() + "]";
    }
}
