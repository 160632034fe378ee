package dev.jllm.server.ui;

import dev.jllm.server.metrics.RouteLabel;
import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.Responses;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The chat page at {@code /} and its files under {@code /ui/}, served from the jar ({@code ui/} resources). A
 * browser (its {@code Accept} names {@code text/html}) gets the page; any other client gets Ollama's
 * {@code 200 text/plain "Ollama is running"}, which is how Ollama clients probe that a server is up. These paths
 * need no API key (see {@code AuthFilter}): the page holds nothing secret and asks the user for the key, which it
 * then sends on its API calls. A Content-Security-Policy that allows only this origin keeps the page from ever
 * loading or calling anything elsewhere.
 */
public final class ChatPage implements HttpService {

    /** What Ollama answers on {@code /}; its clients check for it. */
    public static final String OLLAMA_PROBE_ANSWER = "Ollama is running";
    /** Where the page's own files are (served, like the page, without an API key). */
    public static final String FILES_PREFIX = "/ui/";

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /** File names only: no directories, so no way out of the resource folder. */
    private static final Pattern FILE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*\\.(html|js|css|svg)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");

    /** Files read so far (only files that exist, so requests for made-up names do not fill it). */
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();

    /** Whether the path is the page or one of its files (served without an API key). */
    public static boolean isPagePath(String path) {
        return path.equals("/") || path.startsWith(FILES_PREFIX);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", RouteLabel.named("/", this::root))
                .head("/", RouteLabel.named("/", this::root))
                .any("/", RouteLabel.named("/", ChatPage::methodNotAllowed))
                .get(FILES_PREFIX + "{file}", RouteLabel.named(FILES_PREFIX + "{file}", this::file))
                .head(FILES_PREFIX + "{file}", RouteLabel.named(FILES_PREFIX + "{file}", this::file))
                .any(FILES_PREFIX + "{file}", RouteLabel.named(FILES_PREFIX + "{file}", ChatPage::methodNotAllowed));
    }

    private void root(ServerRequest req, ServerResponse res) {
        res.headers().add(HeaderNames.VARY, "Accept"); // one path, two answers: caches must tell them apart
        if (wantsHtml(req)) {
            send(req, res, "index.html");
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        body(req, res, OLLAMA_PROBE_ANSWER.getBytes(StandardCharsets.UTF_8));
    }

    private void file(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("file");
        if (!FILE_NAME.matcher(name).matches() || load(name).isEmpty()) {
            Responses.error(res, new ApiError(404, ApiError.INVALID_REQUEST, "no such file: " + req.path().path(),
                    null, null, null));
            return;
        }
        send(req, res, name);
    }

    private void send(ServerRequest req, ServerResponse res, String name) {
        byte[] content = load(name).orElseThrow(() -> new IllegalStateException("ui/" + name
                + " is missing from the jar"));
        res.header(HeaderNames.CONTENT_TYPE, TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
        res.header("Content-Security-Policy", CSP);
        res.header("X-Content-Type-Options", "nosniff");
        res.header("Referrer-Policy", "no-referrer");
        // The files change with the jar; revalidating every time keeps a new version from mixing with an old one.
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        body(req, res, content);
    }

    private static void body(ServerRequest req, ServerResponse res, byte[] content) {
        if (req.prologue().method() == Method.HEAD) {
            res.header(HeaderNames.CONTENT_LENGTH, Integer.toString(content.length));
            res.send();
        } else {
            res.send(content);
        }
    }

    /** A browser navigating asks for HTML first; SDKs and probes ask for anything or JSON. */
    static boolean wantsHtml(ServerRequest req) {
        return req.headers().find(HeaderNames.ACCEPT)
                .map(h -> String.join(",", h.allValues()).toLowerCase(Locale.ROOT).contains("text/html"))
                .orElse(false);
    }

    private Optional<byte[]> load(String name) {
        return Optional.ofNullable(files.computeIfAbsent(name, n -> {
            try (InputStream in = ChatPage.class.getClassLoader().getResourceAsStream("ui/" + n)) {
                return in == null ? null : in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read ui/" + n + " from the jar", e);
            }
        }));
    }

    private static void methodNotAllowed(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.ALLOW, "GET, HEAD");
        Responses.error(res, new ApiError(Status.METHOD_NOT_ALLOWED_405.code(), ApiError.INVALID_REQUEST,
                "Invalid URL (" + req.prologue().method().text() + " " + req.path().path() + ")", null, null, null));
    }
}
