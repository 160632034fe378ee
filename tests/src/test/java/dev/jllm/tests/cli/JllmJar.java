package dev.jllm.tests.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line users start jllm with: the packaged jar ({@code server/target/jllm.jar}) on this JDK. */
final class JllmJar {
    private JllmJar() {
    }

    /** {@code java --add-modules jdk.incubator.vector -jar .../jllm.jar ARGS...}; fails when the jar is not built. */
    static List<String> command(String... args) {
        // Surefire runs in the tests module's folder; the jar is built by the server module's package phase,
        // which a reactor build (./mvnw verify, or -pl tests -am) runs first.
        Path jar = Path.of("").toAbsolutePath().resolveSibling("server").resolve("target").resolve("jllm.jar");
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar + " is missing: build it with ./mvnw -pl server -am package (or run the"
                    + " tests with -am)");
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx512m", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
