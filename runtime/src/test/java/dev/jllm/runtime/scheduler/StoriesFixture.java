package dev.jllm.runtime.scheduler;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of the scheduler tests: stories260K loaded once per test class ({@link Stories}), closed after it. */
abstract class StoriesFixture {

    static Stories stories;

    @BeforeAll
    static void loadStories() throws IOException {
        stories = Stories.load();
    }

    @AfterAll
    static void closeStories() {
        if (stories != null) {
            stories.close();
            stories = null;
        }
    }
}
