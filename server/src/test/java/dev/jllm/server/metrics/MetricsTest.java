package dev.jllm.server.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricsTest {

    @Test
    void counterWritesHelpTypeAndOneSortedLinePerSeries() {
        Counter c = new Counter("x_requests_total", "Requests.\nAll of them.", List.of("route", "status"));
        c.inc("/b", "200");
        c.add(2, "/a", "404");
        c.inc("/a", "404");
        StringBuilder out = new StringBuilder();
        c.writeTo(out);
        assertThat(out.toString()).isEqualTo("""
                # HELP x_requests_total Requests.\\nAll of them.
                # TYPE x_requests_total counter
                x_requests_total{route="/a",status="404"} 3
                x_requests_total{route="/b",status="200"} 1
                """);
        assertThat(c.value("/a", "404")).isEqualTo(3);
    }

    @Test
    void labelValuesAreEscaped() {
        Counter c = new Counter("y_total", "Y.", List.of("v"));
        c.inc("a\"b\\c\nd");
        StringBuilder out = new StringBuilder();
        c.writeTo(out);
        assertThat(out.toString()).contains("y_total{v=\"a\\\"b\\\\c\\nd\"} 1\n");
    }

    @Test
    void countersOnlyGoUpAndNamesAreChecked() {
        Counter c = new Counter("z_total", "Z.", List.of());
        assertThatThrownBy(() -> c.add(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Counter("bad name_total", "", List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Counter("no_suffix", "", List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Counter("q_total", "", List.of("le"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.inc("extra")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void histogramBucketsAreCumulativeWithSumAndCount() {
        Histogram h = new Histogram("lat_seconds", "Latency.", new double[] {0.1, 1, 10}, List.of("r"));
        for (double v : new double[] {0.05, 0.1, 0.5, 2, 20, 20}) {
            h.observe(v, "x");
        }
        h.observe(Double.NaN, "x");
        StringBuilder out = new StringBuilder();
        h.writeTo(out);
        assertThat(out.toString()).isEqualTo("""
                # HELP lat_seconds Latency.
                # TYPE lat_seconds histogram
                lat_seconds_bucket{r="x",le="0.1"} 2
                lat_seconds_bucket{r="x",le="1"} 3
                lat_seconds_bucket{r="x",le="10"} 4
                lat_seconds_bucket{r="x",le="+Inf"} 6
                lat_seconds_sum{r="x"} 42.65
                lat_seconds_count{r="x"} 6
                """);
    }

    @Test
    void histogramCountsEveryObservationUnderContention() throws Exception {
        Histogram h = new Histogram("c_seconds", "C.", new double[] {1, 2}, List.of());
        Thread[] threads = IntStream.range(0, 8).mapToObj(i -> Thread.ofVirtual().unstarted(() -> {
            for (int k = 0; k < 1000; k++) {
                h.observe(k % 3);
            }
        })).toArray(Thread[]::new);
        for (Thread t : threads) {
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(h.count()).isEqualTo(8000);
        // Per thread: k % 3 over 0..999 is 334 zeros, 333 ones and 333 twos.
        assertThat(h.sum()).isEqualTo(8 * (333 + 2 * 333));
    }

    @Test
    void gaugesReadTheirSourceAtScrapeTime() {
        Gauge g = new Gauge("depth", "Depth.", List.of("q"));
        AtomicInteger n = new AtomicInteger(3);
        g.track(n::get, "jobs");
        g.set(1.5, "fixed");
        n.set(7);
        StringBuilder out = new StringBuilder();
        g.writeTo(out);
        assertThat(out.toString()).contains("depth{q=\"fixed\"} 1.5\n").contains("depth{q=\"jobs\"} 7\n");
        g.remove("fixed");
        assertThat(g.value("fixed")).isZero();
    }

    @Test
    void numbersPrintAsPrometheusExpects() {
        assertThat(PrometheusText.number(3)).isEqualTo("3");
        assertThat(PrometheusText.number(0.25)).isEqualTo("0.25");
        assertThat(PrometheusText.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(PrometheusText.number(Double.NaN)).isEqualTo("NaN");
    }

    @Test
    void scrapeHasEveryFamilyOfTheServer() {
        Metrics m = new Metrics();
        String text = m.scrape();
        for (String name : List.of("jllm_http_requests_total", "jllm_http_request_duration_seconds",
                "jllm_prompt_tokens_total", "jllm_generated_tokens_total", "jllm_time_to_first_token_seconds",
                "jllm_generation_tokens_per_second", "jllm_queue_depth", "jllm_active_generations",
                "jllm_active_jobs", "jllm_jobs_total", "jllm_model_load_seconds")) {
            assertThat(text).contains("# TYPE " + name + " ");
        }
    }
}
