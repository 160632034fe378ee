package dev.jllm.tests.hardening;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Credentials written into HF_ENDPOINT (user:password@host) never reach the output of a failed pull. */
class HubCredentialsTest {

    @Test
    void aFailedPullNeverPrintsTheEndpointsCredentials(@TempDir Path home) throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens there once closed
        }
        for (String endpoint : List.of("http://hubuser:s3cr3t-pw@127.0.0.1:" + closedPort,
                "ftp://hubuser:s3cr3t-pw@127.0.0.1/", "http://hubuser:s3cr3t-pw@[bad")) {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", classPath(), "dev.jllm.server.cli.JllmCli", "pull", "hf.co/owner/repo:Q4_0")
                    .redirectErrorStream(true);
            pb.environment().put("JLLM_HOME", home.toString());
            pb.environment().put("HF_ENDPOINT", endpoint);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isNotZero();
            assertThat(out).as(endpoint).doesNotContain("s3cr3t-pw").doesNotContain("at dev.jllm");
        }
    }

    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }
}
