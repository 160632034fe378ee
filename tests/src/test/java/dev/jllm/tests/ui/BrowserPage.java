package dev.jllm.tests.ui;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One tab of the browser, driven like a user would: real mouse clicks and key presses (Input domain), with
 * JavaScript only to read the page. It records what the console reported as errors and every URL the page
 * requested, for the test to check.
 */
final class BrowserPage {

    private final DevTools devTools;
    private final String session;
    private final List<String> consoleErrors = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    BrowserPage(DevTools devTools, String session) {
        this.devTools = devTools;
        this.session = session;
        devTools.onEvent((method, e) -> {
            if (!session.equals(e.getString("sessionId", null))) {
                return;
            }
            switch (method) {
                case "Runtime.consoleAPICalled" -> {
                    String type = e.getString("type", "");
                    if (type.equals("error") || type.equals("assert")) {
                        consoleErrors.add("console." + type + ": " + e.get("args"));
                    }
                }
                case "Runtime.exceptionThrown" -> consoleErrors.add("exception: " + e.get("exceptionDetails"));
                case "Log.entryAdded" -> {
                    JsonObject entry = e.getJsonObject("entry");
                    if (entry.getString("level", "").equals("error")) {
                        consoleErrors.add("log: " + entry.getString("text", "") + " " + entry.getString("url", ""));
                    }
                }
                case "Network.requestWillBeSent" -> requests.add(e.getJsonObject("request").getString("url"));
                default -> { }
            }
        });
        send("Page.enable", null);
        send("Runtime.enable", null);
        send("Log.enable", null);
        send("Network.enable", null);
        // Headless tabs have no window focus; the Clipboard API wants a focused document.
        send("Emulation.setFocusEmulationEnabled", Json.createObjectBuilder().add("enabled", true).build());
        send("Emulation.setDeviceMetricsOverride", Json.createObjectBuilder().add("width", 1100).add("height", 720)
                .add("deviceScaleFactor", 1).add("mobile", false).build());
    }

    private JsonObject send(String method, JsonObject params) {
        return devTools.send(session, method, params);
    }

    /** Lets pages of the origin write and read the clipboard without asking (what a user's click grants). */
    void grantClipboard(String origin) {
        devTools.send(null, "Browser.grantPermissions", Json.createObjectBuilder().add("origin", origin)
                .add("permissions", Json.createArrayBuilder().add("clipboardReadWrite")
                        .add("clipboardSanitizedWrite")).build());
    }

    /** Saves what the page downloads into the folder. */
    void allowDownloads(Path dir) {
        devTools.send(null, "Browser.setDownloadBehavior", Json.createObjectBuilder().add("behavior", "allow")
                .add("downloadPath", dir.toAbsolutePath().toString()).build());
    }

    List<String> consoleErrors() {
        return new ArrayList<>(consoleErrors);
    }

    List<String> requests() {
        return new ArrayList<>(requests);
    }

    void navigate(String url) {
        send("Page.navigate", Json.createObjectBuilder().add("url", url).build());
    }

    void reload() {
        send("Page.reload", Json.createObjectBuilder().add("ignoreCache", true).build());
    }

    /** Evaluates an expression in the page (promises awaited) and returns its JSON value. */
    JsonValue eval(String expression) {
        JsonObject r = send("Runtime.evaluate", Json.createObjectBuilder().add("expression", expression)
                .add("returnByValue", true).add("awaitPromise", true).build());
        if (r.containsKey("exceptionDetails")) {
            throw new IllegalStateException("page script failed: " + expression + ": " + r.get("exceptionDetails"));
        }
        JsonObject result = r.getJsonObject("result");
        return result.containsKey("value") ? result.get("value") : JsonValue.NULL;
    }

    String text(String expression) {
        JsonValue v = eval(expression);
        return v instanceof JsonString s ? s.getString() : v.toString();
    }

    boolean isTrue(String expression) {
        return eval(expression) == JsonValue.TRUE;
    }

    /** Waits until the expression is true, failing with the page's state after {@code max}. */
    void waitFor(String expression, Duration max, String what) {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            try {
                if (isTrue(expression)) {
                    return;
                }
            } catch (IllegalStateException e) {
                // the page is between documents (reloading): try again
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still not so after " + max + ": " + what + "\npage text: "
                        + safeText() + "\nconsole errors: " + consoleErrors);
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private String safeText() {
        try {
            return text("document.body ? document.body.innerText : ''");
        } catch (RuntimeException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** A real mouse click in the middle of the element the CSS selector finds. */
    void click(String selector) {
        JsonObject box = eval("(() => { const e = document.querySelector(" + quote(selector) + ");"
                + " if (!e) return null; e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
                + " return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()").asJsonObject();
        double x = box.getJsonNumber("x").doubleValue();
        double y = box.getJsonNumber("y").doubleValue();
        for (String type : List.of("mousePressed", "mouseReleased")) {
            send("Input.dispatchMouseEvent", Json.createObjectBuilder().add("type", type).add("x", x).add("y", y)
                    .add("button", "left").add("clickCount", 1).build());
        }
    }

    /** Focuses the element by clicking it, then types the text as keyboard input. */
    void type(String selector, String text) {
        click(selector);
        send("Input.insertText", Json.createObjectBuilder().add("text", text).build());
    }

    /** Presses Enter (with Shift when asked) in the focused element. */
    void pressEnter(boolean shift) {
        int modifiers = shift ? 8 : 0;
        send("Input.dispatchKeyEvent", Json.createObjectBuilder().add("type", "keyDown").add("key", "Enter")
                .add("code", "Enter").add("windowsVirtualKeyCode", 13).add("text", "\r")
                .add("modifiers", modifiers).build());
        send("Input.dispatchKeyEvent", Json.createObjectBuilder().add("type", "keyUp").add("key", "Enter")
                .add("code", "Enter").add("windowsVirtualKeyCode", 13).add("modifiers", modifiers).build());
    }

    /** A PNG of the viewport. */
    void screenshot(Path file) {
        String data = send("Page.captureScreenshot", Json.createObjectBuilder().add("format", "png").build())
                .getString("data");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, Base64.getDecoder().decode(data));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JavaScript string literal of the text. */
    static String quote(String s) {
        return Json.createValue(s).toString();
    }
}
