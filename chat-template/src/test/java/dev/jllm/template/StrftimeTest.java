package dev.jllm.template;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;

/** Expected values are CPython's datetime(2024, 7, 6, 15, 4, 5, 123456).strftime(pattern). */
class StrftimeTest {

    private static final ZonedDateTime T = ZonedDateTime.parse("2024-07-06T15:04:05.123456Z");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "%d %b %Y | 06 Jul 2024",
                "%d %B %Y | 06 July 2024",
                "%Y-%m-%d %H:%M:%S | 2024-07-06 15:04:05",
                "%A %a | Saturday Sat",
                "%I:%M %p | 03:04 PM",
                "%y %j %f | 24 188 123456",
                "%U %W %w %u | 26 27 6 6",
                "%-d/%-m | 6/7",
                "%z%Z100%% | 100%",
                "%Q | %Q",
            })
    void formatsLikePython(String pattern, String expected) {
        assertThat(Strftime.format(T, pattern)).isEqualTo(expected);
    }
}
