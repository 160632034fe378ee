package dev.jllm.tests.behaviour;

import dev.jllm.api.LlmService;
import dev.jllm.providers.OpenAiCompatibleLlm;
import dev.jllm.proxy.LlmServiceProxy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs a small program in a JVM whose class path holds only the proxy library and what it depends on (the api and
 * providers modules, JSON-B and JSON-P with their implementations), found from where this JVM loaded those
 * classes. What works there works for a UI process that ships just the library.
 */
final class BareProxyJvm {

    /** Classes whose jar (or classes folder) the library needs, one per dependency. */
    private static final List<String> NEEDED = List.of(LlmServiceProxy.class.getName(), LlmService.class.getName(),
            OpenAiCompatibleLlm.class.getName(), "jakarta.json.bind.Jsonb", "jakarta.json.Json",
            "org.eclipse.yasson.JsonBindingProvider", "org.eclipse.parsson.JsonProviderImpl");

    private BareProxyJvm() { }

    /** The class path: one entry per dependency. */
    static List<String> classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String name : NEEDED) {
            try {
                Class<?> c = Class.forName(name);
                entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (ClassNotFoundException | URISyntaxException e) {
                throw new IllegalStateException("cannot locate " + name, e);
            }
        }
        return List.copyOf(entries);
    }

    /** Runs {@code source} (a Java file with a main class) with the bare class path; returns its output. */
    static String run(Path dir, String source, String... args) throws InterruptedException {
        try {
            Path file = dir.resolve("BareProxyMain.java");
            Files.writeString(file, source, StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-cp", String.join(File.pathSeparator, classPath()), file.toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the bare JVM did not finish");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new AssertionError("the bare JVM failed (" + p.exitValue() + "):\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
