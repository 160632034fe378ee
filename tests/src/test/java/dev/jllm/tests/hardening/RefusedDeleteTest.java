package dev.jllm.tests.hardening;

import dev.jllm.api.LocalConfig;
import dev.jllm.models.testing.TestData;
import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.Jobs;
import dev.jllm.tests.support.TestServer;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A {@code model.delete} that is refused changes nothing: the model stays loaded and keeps answering. */
class RefusedDeleteTest {

    @Test
    void aRefusedDeleteUnloadsNothing() throws Exception {
        String model = TestData.stories260k().toString();
        try (TestServer server = TestServer.start()) {
            server.server().context().service().create("local", LocalConfig.of(model).withThreads(1));
            Jobs jobs = new Jobs(server.http());
            for (String target : new String[] {model, "no-such-model-in-the-store"}) {
                JsonObject job = jobs.await(jobs.submit("model.delete", "{\"instance\":\"local\",\"model\":"
                        + jakarta.json.Json.createValue(target) + "}").getString("id"), Duration.ofSeconds(30));
                assertThat(job.getString("status")).as(job.toString()).isEqualTo("failed");
                assertThat(server.server().context().service().models("local")).extracting(m -> m.id())
                        .contains(model);
            }
            var answer = server.http().post("/v1/chat/completions", Http.chat("local", "Once upon a time",
                    "\"max_tokens\":4"));
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        }
    }
}
