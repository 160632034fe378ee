package dev.jllm.tests.support;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the Node scripts of the SDK tests: npm packages installed once under a folder of target/, the script
 * copied there from the test resources, its output returned. Needs node and npm ({@code .ci/run} installs them):
 * without them a test is skipped with a message, except in CI, where it fails.
 */
public final class NodeScripts {

    private final Path dir;

    private NodeScripts(Path dir) {
        this.dir = dir;
    }

    /** A folder under target/ with the packages installed (npm install on first use). */
    public static NodeScripts install(String folder, String... packages) throws IOException, InterruptedException {
        if (!onPath("node") || !onPath("npm")) {
            if ("1".equals(System.getenv("JLLM_REQUIRE_TESTDATA"))) {
                throw new AssertionError("node and npm are needed (.ci/run installs them)");
            }
            Assumptions.abort("node/npm not installed: skipping the Node SDK test");
        }
        Path dir = Path.of("target", folder).toAbsolutePath();
        Files.createDirectories(dir);
        List<String> missing = new ArrayList<>();
        for (String p : packages) {
            String name = p.substring(0, p.lastIndexOf('@') > 0 ? p.lastIndexOf('@') : p.length());
            if (!Files.isDirectory(dir.resolve("node_modules").resolve(name))) {
                missing.add(p);
            }
        }
        NodeScripts scripts = new NodeScripts(dir);
        if (!missing.isEmpty()) {
            List<String> command = new ArrayList<>(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix",
                    dir.toString()));
            command.addAll(missing);
            scripts.run(command, Map.of(), 300);
        }
        return scripts;
    }

    private static boolean onPath(String tool) {
        try {
            return new ProcessBuilder(tool, "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Copies the test resource {@code /node/NAME} here and runs it with node; its output. */
    public String runScript(String name, Map<String, String> env, int seconds) throws IOException,
            InterruptedException {
        try (InputStream in = getClass().getResourceAsStream("/node/" + name)) {
            Files.write(dir.resolve(name), in.readAllBytes());
        }
        return run(List.of("node", name), env, seconds);
    }

    /** The last line of a script's output: the JSON object it printed. */
    public static String lastLine(String output) {
        return output.strip().lines().reduce((a, b) -> b).orElseThrow();
    }

    private String run(List<String> command, Map<String, String> env, int seconds)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + seconds + " s:\n" + output);
        }
        assertThat(p.exitValue()).as(command + " failed:\n" + output).isZero();
        return output;
    }
}
