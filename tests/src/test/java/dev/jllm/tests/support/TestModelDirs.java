package dev.jllm.tests.support;

import dev.jllm.models.testing.TestData;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The directories a test server lets requests and jobs load models from ({@code --models-dir}): the shared test
 * data and this module's build output, where tests write the models they generate. A server opens no other path
 * for a client, so tests that hand it model paths need these allowed, as an operator would.
 */
public final class TestModelDirs {

    private TestModelDirs() { }

    public static List<Path> all() {
        return Stream.of(TestData.root(), Path.of("target").toAbsolutePath().normalize())
                .filter(Files::isDirectory).toList();
    }

    /** As {@code JLLM_MODELS_DIR} takes them. */
    public static String env() {
        return all().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }
}
