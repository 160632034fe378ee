package dev.jllm.tests.hardening;

import dev.jllm.tests.support.JllmCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
            JllmCli.Result r = JllmCli.run(Map.of("JLLM_HOME", home.toString(), "HF_ENDPOINT", endpoint),
                    Duration.ofMinutes(2), "pull", "hf.co/owner/repo:Q4_0");
            String out = r.output();
            assertThat(r.exit()).as(out).isNotZero();
            assertThat(out).as(endpoint).doesNotContain("s3cr3t-pw").doesNotContain("at dev.jllm");
        }
    }

}
