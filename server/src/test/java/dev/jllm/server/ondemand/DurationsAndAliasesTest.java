package dev.jllm.server.ondemand;

import dev.jllm.runtime.engine.ByteSize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Keep-alive durations as Ollama reads them, memory sizes as {@code --memory-budget} reads them, and copies' names
 * kept across restarts.
 */
class DurationsAndAliasesTest {

    @Test
    void durationsReadLikeOllamas() {
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("30")).isEqualTo(Duration.ofSeconds(30)); // a bare number is seconds
        assertThat(Durations.parse("0")).isZero();
        assertThat(Durations.parse("-1")).isEqualTo(Durations.FOREVER);
        assertThat(Durations.parse("-5m")).isEqualTo(Durations.FOREVER);
        assertThat(Durations.seconds(-1)).isEqualTo(Durations.FOREVER);
        for (String bad : new String[] {"", "m", "5 minutes", "5x", "1h-3m"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a duration");
        }
        assertThat(ByteSize.parse("8g")).isEqualTo(8L << 30);
        assertThat(ByteSize.parse("512MiB")).isEqualTo(512L << 20);
        assertThatThrownBy(() -> ByteSize.parse("lots")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void copiesAreNormalizedAndPersisted(@TempDir Path dir) {
        Aliases a = new Aliases(dir.resolve("aliases.json"));
        a.put("Tiny", "hf.co/o/r:Q4_0");
        assertThat(a.target("tiny:latest")).contains("hf.co/o/r:Q4_0");
        assertThat(a.target("TINY")).contains("hf.co/o/r:Q4_0");
        assertThat(a.target("tiny:other")).isEmpty();
        a.put("ns/tiny:v2", "hf.co/o/r:Q4_0");
        Aliases reread = new Aliases(dir.resolve("aliases.json"));
        assertThat(reread.all()).containsOnlyKeys("tiny:latest", "ns/tiny:v2");
        assertThat(reread.removeTargeting("hf.co/o/r:Q4_0")).isEqualTo(2);
        assertThat(new Aliases(dir.resolve("aliases.json")).all()).isEmpty();
        for (String bad : new String[] {"../x", "/etc/passwd", "a b", "a/b/c", "", ":tag"}) {
            assertThat(Aliases.valid(bad)).as(bad).isFalse();
        }
    }
}
