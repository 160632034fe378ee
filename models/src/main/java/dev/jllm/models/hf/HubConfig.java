package dev.jllm.models.hf;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How to talk to a Hugging Face Hub (or a mirror that speaks its protocol).
 *
 * @param endpoint       base URL, {@code https://huggingface.co} unless {@code HF_ENDPOINT} says otherwise
 * @param token          access token sent as a Bearer header to the endpoint's host only (never to the CDN a
 *                       download is redirected to); {@code null} for anonymous access
 * @param connectTimeout limit for opening a connection and for receiving response headers
 * @param stallTimeout   a download that receives no byte for this long is treated as a dropped connection
 * @param maxAttempts    consecutive failed attempts (without progress) before a download gives up
 * @param initialBackoff pause after the first failure, doubled after each further one up to {@code maxBackoff}
 * @param maxBackoff     longest pause between attempts
 * @param minRate        a download slower than this for its window is a timeout ({@code JLLM_PULL_MIN_RATE})
 */
public record HubConfig(URI endpoint, String token, Duration connectTimeout, Duration stallTimeout, int maxAttempts,
                        Duration initialBackoff, Duration maxBackoff, MinRate minRate) {

    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

    public HubConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        String scheme = endpoint.getScheme();
        if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("Hub endpoint must be an http(s) URL, got '"
                    + redact(endpoint.toString()) + "'");
        }
        // A trailing slash would double up in every URL built from the endpoint.
        String s = endpoint.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        endpoint = URI.create(s);
        token = token == null || token.isBlank() ? null : token.strip();
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(stallTimeout, "stallTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(minRate, "minRate");
    }

    /**
     * Defaults for {@code endpoint}: 30 s to connect, 60 s stall limit, 6 attempts, backoff 1 s doubling to 30 s,
     * at least 1 KiB/s over any minute.
     */
    public static HubConfig of(URI endpoint, String token) {
        return new HubConfig(endpoint, token, Duration.ofSeconds(30), Duration.ofSeconds(60), 6,
                Duration.ofSeconds(1), Duration.ofSeconds(30), MinRate.DEFAULT);
    }

    /**
     * Reads {@code HF_ENDPOINT} and {@code HF_TOKEN} (or the older {@code HUGGING_FACE_HUB_TOKEN}), and
     * {@code JLLM_PULL_MIN_RATE}.
     */
    public static HubConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    public static HubConfig fromEnvironment(Map<String, String> env) {
        String endpoint = env.get("HF_ENDPOINT");
        String token = env.get("HF_TOKEN");
        if (token == null || token.isBlank()) {
            token = env.get("HUGGING_FACE_HUB_TOKEN");
        }
        URI uri;
        try {
            uri = endpoint == null || endpoint.isBlank() ? DEFAULT_ENDPOINT : URI.create(endpoint.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("HF_ENDPOINT is not a URL: '" + redact(endpoint) + "'");
        }
        String minRate = env.get("JLLM_PULL_MIN_RATE");
        HubConfig c = of(uri, token);
        return minRate == null || minRate.isBlank() ? c : c.withMinRate(MinRate.parse(minRate));
    }

    public HubConfig withToken(String newToken) {
        return new HubConfig(endpoint, newToken, connectTimeout, stallTimeout, maxAttempts, initialBackoff,
                maxBackoff, minRate);
    }

    public HubConfig withRetries(int attempts, Duration initial, Duration max) {
        return new HubConfig(endpoint, token, connectTimeout, stallTimeout, attempts, initial, max, minRate);
    }

    public HubConfig withStallTimeout(Duration stall) {
        return new HubConfig(endpoint, token, connectTimeout, stall, maxAttempts, initialBackoff, maxBackoff,
                minRate);
    }

    public HubConfig withMinRate(MinRate rate) {
        return new HubConfig(endpoint, token, connectTimeout, stallTimeout, maxAttempts, initialBackoff, maxBackoff,
                rate);
    }

    /** The pause before attempt {@code failures + 1}, after {@code failures} consecutive failures. */
    public Duration backoff(int failures) {
        Duration d = initialBackoff;
        for (int i = 1; i < failures && d.compareTo(maxBackoff) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    @Override
    public String toString() {
        // Never print the token.
        return "HubConfig[endpoint=" + displayEndpoint() + ", token=" + (token == null ? "none" : "set") + "]";
    }

    /** The endpoint as it may be shown (messages, logs, manifests): without credentials in it. */
    public String displayEndpoint() {
        return redact(endpoint.toString());
    }

    /** A URL with any {@code user:password@} replaced by {@code ***@}: credentials are never printed. */
    public static String redact(String url) {
        return url == null ? null : url.replaceAll("(?<=://)[^/@\\s]*@", "***@");
    }
}
