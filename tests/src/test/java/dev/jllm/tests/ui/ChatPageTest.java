package dev.jllm.tests.ui;

import dev.jllm.tests.support.Closeables;
import dev.jllm.models.testing.FakeHub;
import dev.jllm.models.testing.TestData;
import dev.jllm.tests.support.Http;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.jllm.tests.ui.BrowserPage.quote;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat page in headless Chromium against a real {@code jllm serve} (stories260K loaded with {@code --model},
 * pulls from a Hugging Face Hub test server): it loads without console errors or requests elsewhere, streams
 * answers, stops a long one on the server, keeps conversations across a reload, and pulls models with a live
 * progress bar that survives a reload. The tests run in order on one page, as one user session would.
 *
 * <p>Screenshots go to {@code target/ui-screenshots}, and also to the folder the system property
 * {@code jllm.ui.screenshots} names ({@code -Djllm.ui.screenshots=$PWD/docs} refreshes the README's).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChatPageTest {

    private static final String INSTANCE = "stories260K";
    private static final String REF = "hf.co/jllm-test/Stories-GGUF:F32";
    private static final String REF2 = "hf.co/jllm-test/Stories-Copy-GGUF:F32";
    private static final Duration ANSWER_LIMIT = Duration.ofSeconds(60);
    private static final String ASSISTANTS = "[...document.querySelectorAll('[data-testid=message-assistant]')]";
    private static final String USERS = "[...document.querySelectorAll('[data-testid=message-user]')]";
    /** The conversation as the page stored it (raw Markdown of the answers). */
    private static final String STORED = "JSON.parse(localStorage.getItem('jllm.conversation.'"
            + " + localStorage.getItem('jllm.currentConversation')))";

    private FakeHub hub;
    private PageServer server;
    private Chromium browser;
    private BrowserPage page;

    @BeforeAll
    void start() throws Exception {
        Path chromium = Chromium.require();
        byte[] model = Files.readAllBytes(TestData.stories260k());
        hub = new FakeHub();
        hub.repo("jllm-test/Stories-GGUF").file("stories260K-F32.gguf", model);
        hub.repo("jllm-test/Stories-Copy-GGUF").file("stories260K-copy-F32.gguf", model);
        // About 3 s per download (1.2 MB in 32 KiB pieces), long enough to watch the progress bar move.
        hub.throttle(32 * 1024, 80);
        // A context beyond the model's 512 tokens, so that an answer can run long enough to be stopped.
        server = PageServer.start(TestData.stories260k(), hub.endpoint(), null, 4096);
        // The first generations of a fresh JVM run while the JIT compiles the kernels; one now keeps the page's
        // numbers (and the screenshots) to what a running server shows.
        assertThat(server.http().post("/v1/chat/completions", Http.chat(INSTANCE, "Once upon a time",
                "\"max_tokens\":256")).statusCode()).isEqualTo(200);
        browser = Chromium.start(chromium);
        page = browser.newPage();
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(browser, server, hub);
    }

    @Test
    @Order(1)
    void loadsWithoutConsoleErrorsOrForeignRequests() {
        page.navigate(server.baseUrl() + "/");
        awaitReady();
        assertThat(page.text("document.title")).isEqualTo("jllm");
        assertThat(options()).contains(INSTANCE);
        // The current model (from the current-model events) is what the picker starts with.
        page.waitFor("document.getElementById('current-model').textContent.includes('stories260K')",
                Duration.ofSeconds(10), "the current model is shown");
        assertClean();
    }

    @Test
    @Order(2)
    void streamsAnAnswerRenderedAsMarkdownWithItsStatistics() {
        setSettings(0, 200);
        page.type("[data-testid=prompt]", "Once upon a time");
        page.pressEnter(true); // Shift+Enter: a new line, nothing sent
        page.type("[data-testid=prompt]", "there was");
        assertThat(page.text("document.querySelector('[data-testid=prompt]').value"))
                .isEqualTo("Once upon a time\nthere was");
        assertThat(page.eval(USERS + ".length").toString()).isEqualTo("0");

        // Every length the answer has on screen while it streams.
        page.eval("window.seen = []; new MutationObserver(() => { const a = " + ASSISTANTS + ".at(-1);"
                + " if (a && !document.querySelector('[data-testid=stop]').disabled)"
                + " window.seen.push(a.querySelector('.content').textContent.length); })"
                + ".observe(document.getElementById('messages'), {subtree: true, childList: true,"
                + " characterData: true}); true");
        page.pressEnter(false);
        awaitAnswerDone(1);

        assertThat(page.text(USERS + "[0].querySelector('.content').textContent"))
                .isEqualTo("Once upon a time\nthere was");
        String answer = page.text(STORED + ".messages[1].content");
        // The same request, asked directly: the page showed exactly what the server generates (greedy).
        HttpResponse<String> direct = server.http().post("/v1/chat/completions", Http.chat(INSTANCE,
                "Once upon a time\nthere was", "\"temperature\":0", "\"top_p\":0.95", "\"max_tokens\":200"));
        assertThat(direct.statusCode()).isEqualTo(200);
        JsonObject whole = Http.json(direct);
        assertThat(answer).isNotBlank()
                .isEqualTo(whole.getJsonArray("choices").getJsonObject(0).getJsonObject("message")
                        .getString("content"));
        JsonArray seen = page.eval("[...new Set(window.seen)].filter(n => n > 0)").asJsonArray();
        assertThat(seen.size()).as("distinct lengths shown while streaming: %s", seen).isGreaterThan(3);
        String stats = page.text(ASSISTANTS + "[0].querySelector('.stats').textContent");
        int tokens = whole.getJsonObject("usage").getInt("completion_tokens");
        assertThat(stats).contains(tokens + " tokens").contains("prompt tokens").containsPattern("[0-9.]+ tokens/s");
        assertClean();
    }

    @Test
    @Order(3)
    void stopCancelsTheGenerationOnTheServerAtOnce() throws Exception {
        setSettings(0, 4000);
        page.type("[data-testid=prompt]", "Tell me a very long story");
        page.click("[data-testid=send]");
        page.waitFor(ASSISTANTS + ".length === 2 && " + ASSISTANTS + "[1].querySelector('.content')"
                + ".textContent.length > 40", ANSWER_LIMIT, "the long answer streams");
        assertThat(activeGenerations()).isEqualTo(1);
        long clicked = System.nanoTime();
        page.click("[data-testid=stop]");
        while (activeGenerations() != 0) {
            assertThat(Duration.ofNanos(System.nanoTime() - clicked)).isLessThan(Duration.ofSeconds(2));
            Thread.sleep(5);
        }
        long stoppedMs = (System.nanoTime() - clicked) / 1_000_000;
        System.out.println("ChatPageTest: active generations 0 after Stop in " + stoppedMs + " ms");
        page.waitFor("document.querySelector('[data-testid=stop]').disabled", Duration.ofSeconds(5), "stopped");
        String stats = page.text(ASSISTANTS + "[1].querySelector('.stats').textContent");
        assertThat(stats).contains("stopped");
        String text = page.text(STORED + ".messages[3].content");
        Thread.sleep(300);
        assertThat(page.text(STORED + ".messages[3].content")).as("nothing arrives after Stop").isEqualTo(text);
        assertClean();
    }

    @Test
    @Order(4)
    void keepsTheConversationAcrossAReloadRegeneratesEditsAndExports() throws Exception {
        String before = conversationText();
        page.reload();
        awaitReady();
        assertThat(conversationText()).isEqualTo(before);
        assertThat(page.eval(USERS + ".length").toString()).isEqualTo("2");
        assertThat(page.text("document.querySelector('#conversation-list li.active').textContent"))
                .startsWith("Once upon a time");

        setSettings(0, 60);
        page.click("[data-testid=regenerate]");
        awaitAnswerDone(2);
        assertThat(page.text(ASSISTANTS + "[1].querySelector('.stats').textContent")).doesNotContain("stopped");

        page.click("[data-testid=edit]");
        assertThat(page.text("document.querySelector('[data-testid=prompt]').value"))
                .isEqualTo("Tell me a very long story");
        assertThat(page.eval(USERS + ".length").toString()).isEqualTo("1");
        page.eval("document.querySelector('[data-testid=prompt]').value = ''; true");
        page.type("[data-testid=prompt]", "The little dog");
        page.pressEnter(false);
        awaitAnswerDone(2);
        assertThat(page.text(STORED + ".messages[2].content")).isEqualTo("The little dog");

        // A second conversation, then back to the first.
        page.click("#new-chat");
        assertThat(page.eval(USERS + ".length").toString()).isEqualTo("0");
        assertThat(page.eval("document.querySelectorAll('#conversation-list li').length").toString()).isEqualTo("2");
        page.click("#conversation-list li:not(.active) button.conversation");
        page.waitFor(USERS + ".length === 2", Duration.ofSeconds(5), "the first conversation is back");
        screenshot("ui-chat.png");

        // Export: every conversation as one JSON file.
        Path downloads = Files.createTempDirectory("jllm-ui-downloads");
        page.allowDownloads(downloads);
        page.click("#export");
        Path exported = awaitFile(downloads, Duration.ofSeconds(10));
        JsonObject data = Http.json(Files.readString(exported));
        JsonArray conversations = data.getJsonArray("conversations");
        assertThat(conversations).hasSize(1);
        JsonArray messages = conversations.getJsonObject(0).getJsonArray("messages");
        assertThat(messages).hasSize(4);
        assertThat(messages.getJsonObject(2).getString("content")).isEqualTo("The little dog");
        assertThat(messages.getJsonObject(3).getString("content"))
                .isEqualTo(page.text(STORED + ".messages[3].content"));
        assertClean();
    }

    @Test
    @Order(5)
    void pullsAModelWithALiveProgressBarUntilItIsSelectable() throws Exception {
        page.click("#toggle-models");
        page.type("[data-testid=pull-ref]", REF);
        page.click("[data-testid=pull]");
        boolean sawMovingBar = false;
        boolean shot = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!options().contains(REF)) {
            assertThat(System.nanoTime()).as("the pulled model becomes selectable").isLessThan(deadline);
            JsonObject s = page.eval("(() => { const p = document.querySelector('[data-testid=pull-progress]');"
                    + " return {visible: !p.hidden && p.offsetHeight > 0,"
                    + " width: parseFloat(document.getElementById('pull-bar').style.width) || 0,"
                    + " status: document.getElementById('pull-status').textContent}; })()").asJsonObject();
            assertThat(s.getBoolean("visible")).as("the progress bar shows until the model is selectable").isTrue();
            String status = s.getString("status");
            double width = s.getJsonNumber("width").doubleValue();
            if (width > 0 && width < 100 && Pattern.compile("[0-9.]+ (KiB|MiB) of [0-9.]+ MiB \\(\\d+%\\) · "
                    + "[0-9.]+ (B|KiB|MiB)/s · \\d+ s left").matcher(status).find()) {
                sawMovingBar = true;
                if (!shot && width > 30) {
                    screenshot("ui-pull.png");
                    shot = true;
                }
            }
            Thread.sleep(20);
        }
        assertThat(sawMovingBar).as("a progress bar with bytes, speed and time left").isTrue();
        page.waitFor("document.getElementById('pull-status').textContent.startsWith('ready')",
                Duration.ofSeconds(10), "the pull reports it is ready");
        assertThat(page.text("document.querySelector('[data-testid=model-select]').value")).isEqualTo(REF);

        // The pulled model answers.
        page.click("#new-chat");
        page.type("[data-testid=prompt]", "Once");
        page.pressEnter(false);
        awaitAnswerDone(1);
        assertThat(page.text(ASSISTANTS + "[0].querySelector('.who').textContent")).isEqualTo(REF);
        if (!shot) {
            screenshot("ui-pull.png");
        }
        assertClean();
    }

    @Test
    @Order(6)
    void resumesFollowingAPullAfterAReload() {
        page.type("[data-testid=pull-ref]", REF2);
        page.click("[data-testid=pull]");
        page.waitFor("document.getElementById('pull-status').textContent.includes(' of ')", Duration.ofSeconds(30),
                "the download is under way");
        String job = page.text("JSON.parse(localStorage.getItem('jllm.pullJob')).id");
        page.reload();
        awaitReady();
        page.waitFor("!document.getElementById('models').hidden && document.getElementById('pull-name').textContent"
                + " === " + quote(REF2), Duration.ofSeconds(10), "the pull is shown again after the reload");
        page.waitFor(optionsExpr() + ".includes(" + quote(REF2) + ")", Duration.ofSeconds(60),
                "the resumed pull finishes");
        assertThat(Http.json(server.http().get("/v1/jobs/" + job)).getString("status")).isEqualTo("succeeded");
        assertThat(hub.contentRequests("stories260K-copy-F32.gguf")).as("downloaded once").isEqualTo(1);
        assertClean();
    }

    @Test
    @Order(7)
    void changesTheCurrentModelUnloadsAndDeletesWithConfirmation() throws Exception {
        page.waitFor(rowExpr(REF2) + " !== undefined", Duration.ofSeconds(10), "the loaded list shows the pull");
        // Current model: changed through the panel, shown from the current-model events.
        page.eval("(() => { const s = document.getElementById('current-select');"
                + " s.value = JSON.stringify([" + quote(INSTANCE) + ", " + quote(REF) + "]);"
                + " s.dispatchEvent(new Event('change')); return s.value !== ''; })()");
        page.waitFor("document.getElementById('current-model').textContent.startsWith(" + quote(REF) + ")",
                Duration.ofSeconds(10), "the current model changes");
        // The change redraws the panel (its lists come from jobs); the last step of that shows the new choice.
        page.waitFor("document.getElementById('model-list').dataset.busy === undefined && " + rowExpr(REF2)
                + " !== undefined", Duration.ofSeconds(10), "the panel shows the change");

        // Delete asks first; Cancel keeps the model.
        page.click(rowSelector(REF2) + " [data-testid=delete]");
        page.waitFor("document.getElementById('confirm-dialog').open", Duration.ofSeconds(5), "a confirmation");
        page.click("#confirm-cancel");
        Thread.sleep(300);
        assertThat(page.isTrue(rowExpr(REF2) + " !== undefined")).isTrue();
        Path stored = server.storeRoot().resolve("hf.co/jllm-test/Stories-Copy-GGUF");
        assertThat(filesUnder(stored)).isNotEmpty();

        page.click(rowSelector(REF2) + " [data-testid=delete]");
        page.waitFor("document.getElementById('confirm-dialog').open", Duration.ofSeconds(5), "a confirmation");
        page.click("#confirm-ok");
        page.waitFor(rowExpr(REF2) + " === undefined && !" + optionsExpr() + ".includes(" + quote(REF2) + ")",
                Duration.ofSeconds(10), "the deleted model is gone from the panel and the picker");
        assertThat(filesUnder(stored)).isEmpty();

        page.click(rowSelector(REF) + " [data-testid=unload]");
        page.waitFor(rowExpr(REF) + " === undefined", Duration.ofSeconds(10), "the unloaded model leaves the list");
        assertThat(filesUnder(server.storeRoot().resolve("hf.co/jllm-test/Stories-GGUF"))).as("unload keeps files")
                .isNotEmpty();

        // A pull that fails says why where the progress was.
        page.type("[data-testid=pull-ref]", "hf.co/jllm-test/No-Such-GGUF:F32");
        page.click("[data-testid=pull]");
        page.waitFor("document.querySelector('[data-testid=pull-progress]').classList.contains('failed')",
                Duration.ofSeconds(30), "the failed pull is reported");
        assertThat(page.text("document.getElementById('pull-status').textContent")).containsIgnoringCase("not found");
        assertThat(page.consoleErrors()).as("console errors").isEmpty();
    }

    @Test
    @Order(8)
    void rendersMarkdownWithHighlightedCodeAndCopyButtonsAndNoMarkup() {
        // stories260K writes no Markdown, so the page's renderer is given an answer such as larger models write,
        // in a box of the page (the same function draws every streamed answer).
        String answer = "### Steps\n\n1. Install **jllm**\n2. Run `jllm serve`\n\n- a *list*\n  - nested\n\n"
                + "| a | b |\n|---|--:|\n| 1 | 2 |\n\n> quoted <img src=x onerror=\"window.hacked=1\">\n\n"
                + "```java\n// greet\nString s = \"hi\";\nint n = 42;\n```\n\nSee [docs](https://example.org)"
                + " and [bad](javascript:alert(1)).";
        page.eval("import('/ui/markdown.js').then(m => { const box = document.createElement('div');"
                + " box.id = 'md-test'; box.className = 'content'; box.append(m.renderMarkdown(" + quote(answer) + "));"
                + " document.getElementById('messages').prepend(box); return true; })");
        String md = "document.getElementById('md-test')";
        assertThat(page.text(md + ".querySelector('h5').textContent")).isEqualTo("Steps");
        assertThat(page.text("[..." + md + ".querySelectorAll('ol > li')].map(l => l.innerHTML).join('|')"))
                .isEqualTo("Install <strong>jllm</strong>|Run <code class=\"inline\">jllm serve</code>");
        assertThat(page.text(md + ".querySelector('ul ul li').textContent")).isEqualTo("nested");
        assertThat(page.text(md + ".querySelector('td:last-child').style.textAlign")).isEqualTo("right");
        assertThat(page.text(md + ".querySelector('blockquote').textContent"))
                .isEqualTo("quoted <img src=x onerror=\"window.hacked=1\">");
        assertThat(page.isTrue(md + ".querySelector('img') === null && window.hacked === undefined")).isTrue();
        assertThat(page.text(md + ".querySelector('pre code').textContent"))
                .isEqualTo("// greet\nString s = \"hi\";\nint n = 42;");
        assertThat(page.text("[..." + md + ".querySelectorAll('pre code span')].map(s => s.className + ':'"
                + " + s.textContent).join(' ')"))
                .isEqualTo("tok-com:// greet tok-str:\"hi\" tok-kw:int tok-num:42");
        assertThat(page.text("[..." + md + ".querySelectorAll('a')].map(a => a.href + ' ' + a.rel).join('|')"))
                .isEqualTo("https://example.org/ noopener noreferrer");
        assertThat(page.text(md + ".querySelector(':scope > p:last-child').textContent"))
                .isEqualTo("See docs and bad.");

        page.grantClipboard(server.baseUrl());
        page.click("#md-test .code-block button.copy");
        page.waitFor(md + ".querySelector('button.copy').textContent === 'Copied'", Duration.ofSeconds(5),
                "the copy button reports the copy");
        assertThat(page.text("navigator.clipboard.readText()")).isEqualTo("// greet\nString s = \"hi\";\nint n = 42;");
        page.eval(md + ".remove(); true");
        assertClean();
    }

    @Test
    @Order(9)
    void asksForTheApiKeyOnceAndPullsIntoAnEmptyServer() throws Exception {
        try (PageServer keyed = PageServer.start(null, hub.endpoint(), "ui-test-key", 0)) {
            BrowserPage tab = browser.newPage();
            tab.navigate(keyed.baseUrl() + "/");
            tab.waitFor("document.getElementById('key-dialog').open", Duration.ofSeconds(30), "the key is asked for");
            tab.type("#key-input", "wrong-key");
            tab.click("#key-ok");
            tab.waitFor("document.getElementById('key-dialog').open && !document.getElementById('key-error').hidden",
                    Duration.ofSeconds(10), "a refused key is asked for again, saying why");
            assertThat(tab.text("document.getElementById('key-error').textContent")).contains("Incorrect API key");
            tab.type("#key-input", "ui-test-key");
            tab.click("#key-ok");
            tab.waitFor("document.body.dataset.ready === 'true' && !document.getElementById('key-dialog').open",
                    Duration.ofSeconds(30), "the page starts with the key");
            assertThat(tab.isTrue("document.getElementById('forget-key').hidden")).isFalse();

            // Kept for the browser session: a reload does not ask again.
            tab.reload();
            tab.waitFor("document.body && document.body.dataset.ready === 'true'", Duration.ofSeconds(30),
                    "the page starts again");
            assertThat(tab.isTrue("document.getElementById('key-dialog').open")).isFalse();

            // A server without models: the pull creates a local instance and makes the model current.
            tab.click("#toggle-models");
            tab.type("[data-testid=pull-ref]", REF);
            tab.click("[data-testid=pull]");
            tab.waitFor("[...document.querySelector('[data-testid=model-select]').options].some(o => o.value === "
                    + quote(REF) + ")", Duration.ofSeconds(60), "the pulled model is selectable");
            tab.waitFor("document.getElementById('current-model').textContent.startsWith(" + quote(REF) + ")",
                    Duration.ofSeconds(10), "the pulled model is the current one");
            // The only errors are the browser's notes on the two refused requests before the key was right.
            assertThat(tab.consoleErrors()).isNotEmpty().allMatch(e -> e.contains("status of 401"));
            assertThat(tab.requests()).allMatch(u -> u.startsWith(keyed.baseUrl() + "/") || u.startsWith("data:")
                    || u.equals("about:blank"));
        }
    }

    // ------------------------------------------------------------------ helpers

    private void awaitReady() {
        page.waitFor("document.body && document.body.dataset.ready === 'true'", Duration.ofSeconds(30),
                "the page starts");
    }

    private void awaitAnswerDone(int assistants) {
        page.waitFor(ASSISTANTS + ".length === " + assistants + " && " + ASSISTANTS + "[" + (assistants - 1)
                + "].querySelector('.stats') !== null && document.querySelector('[data-testid=stop]').disabled"
                + " && !" + ASSISTANTS + "[" + (assistants - 1) + "].querySelector('.stats').textContent"
                + ".includes('generating')", ANSWER_LIMIT, "answer " + assistants + " is complete");
        String error = page.text("(" + ASSISTANTS + "[" + (assistants - 1) + "].querySelector('.error') || {})"
                + ".textContent || ''");
        assertThat(error).as("an error shown with the answer").isEmpty();
    }

    /** Sets the sampling settings through the Settings panel, as a user would. */
    private void setSettings(double temperature, int maxTokens) {
        if (page.isTrue("document.getElementById('settings').hidden")) {
            page.click("#toggle-settings");
        }
        // A range input has no keyboard text to type: its value is set and announced as a drag would.
        page.eval("(() => { const t = document.getElementById('temperature'); t.value = " + temperature + ";"
                + " t.dispatchEvent(new Event('input')); document.getElementById('max-tokens').value = '';"
                + " return true; })()");
        page.type("#max-tokens", Integer.toString(maxTokens));
        assertThat(page.text("JSON.parse(localStorage.getItem('jllm.settings')).max_tokens + ''"))
                .isEqualTo(Integer.toString(maxTokens));
        page.click("#toggle-settings");
    }

    private List<String> options() {
        return page.eval(optionsExpr()).asJsonArray().getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList();
    }

    private static String optionsExpr() {
        return "[...document.querySelector('[data-testid=model-select]').options].map(o => o.value)";
    }

    private static String rowExpr(String model) {
        return "[...document.querySelectorAll('#model-list li')].find(li => li.querySelector('.model-name')"
                + " && li.querySelector('.model-name').textContent === " + quote(model) + ")";
    }

    /** A CSS selector for the loaded-list row of the model (rows have no ids: by position). */
    private String rowSelector(String model) {
        int index = Integer.parseInt(page.eval("[...document.querySelectorAll('#model-list li')].indexOf("
                + rowExpr(model) + ")").toString());
        assertThat(index).as("row of " + model).isGreaterThanOrEqualTo(0);
        return "#model-list li:nth-child(" + (index + 1) + ")";
    }

    private String conversationText() {
        return page.text("[...document.querySelectorAll('.message')].map(m => m.dataset.testid + ': '"
                + " + m.querySelector('.content').textContent).join('\\n')");
    }

    private int activeGenerations() {
        HttpResponse<String> r = server.http().get("/metrics");
        String prefix = "jllm_active_generations{instance=\"" + INSTANCE + "\"} ";
        return r.body().lines().filter(l -> l.startsWith(prefix))
                .mapToInt(l -> (int) Double.parseDouble(l.substring(prefix.length()).strip())).findFirst().orElse(0);
    }

    /** No console errors, and every request went to the server itself (or stayed in the page). */
    private void assertClean() {
        assertThat(page.consoleErrors()).as("console errors").isEmpty();
        List<String> foreign = page.requests().stream().filter(u -> !u.startsWith(server.baseUrl() + "/")
                && !u.startsWith("data:") && !u.startsWith("blob:") && !u.equals("about:blank")).toList();
        assertThat(foreign).as("requests to anywhere but the server").isEmpty();
    }

    private void screenshot(String name) {
        page.screenshot(Path.of("target", "ui-screenshots", name));
        String dir = System.getProperty("jllm.ui.screenshots");
        if (dir != null && !dir.isBlank()) {
            page.screenshot(Path.of(dir, name));
        }
    }

    private static Path awaitFile(Path dir, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            // Chromium writes a .crdownload file first and renames it when the download is complete.
            List<Path> done = filesUnder(dir).stream().filter(p -> p.toString().endsWith(".json")).toList();
            if (!done.isEmpty()) {
                return done.getFirst();
            }
            assertThat(System.nanoTime()).as("a file is downloaded into " + dir).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static List<Path> filesUnder(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
