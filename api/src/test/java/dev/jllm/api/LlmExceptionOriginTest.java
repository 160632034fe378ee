package dev.jllm.api;

import dev.jllm.api.LlmException.Kind;
import dev.jllm.api.LlmException.LoadFailure;
import dev.jllm.api.LlmException.Origin;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LlmExceptionOriginTest {

    @Test
    void plainFailuresHappenedInTheService() {
        LlmException e = LlmException.invalid("bad");
        assertThat(e.origin()).isEqualTo(Origin.SERVICE);
        assertThat(e.loadFailure()).isEmpty();
    }

    @Test
    void aModelLoadFailureCarriesItsReason() {
        LlmException e = LlmException.modelLoad(LoadFailure.UNSUPPORTED_ARCHITECTURE, Kind.INVALID_REQUEST,
                "unsupported model architecture 'mamba'", null);
        assertThat(e.origin()).isEqualTo(Origin.MODEL_LOAD);
        assertThat(e.loadFailure()).contains(LoadFailure.UNSUPPORTED_ARCHITECTURE);
        assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST);
    }

    @Test
    void withOriginKeepsKindMessageStatusAndCause() {
        RuntimeException cause = new RuntimeException("io");
        LlmException e = new LlmException(Kind.UPSTREAM, "cut", 502, cause).withOrigin(Origin.TRANSPORT);
        assertThat(e.origin()).isEqualTo(Origin.TRANSPORT);
        assertThat(e.kind()).isEqualTo(Kind.UPSTREAM);
        assertThat(e.getMessage()).isEqualTo("cut");
        assertThat(e.seenStatus()).hasValue(502);
        assertThat(e.getCause()).isSameAs(cause);
        LlmException load = e.asModelLoad(LoadFailure.CORRUPT_FILE);
        assertThat(load.origin()).isEqualTo(Origin.MODEL_LOAD);
        assertThat(load.loadFailure()).contains(LoadFailure.CORRUPT_FILE);
        assertThat(load.withOrigin(Origin.JOB).loadFailure()).isEmpty();
    }

    @Test
    void aReasonGoesOnlyWithModelLoad() {
        assertThatThrownBy(() -> new LlmException(Kind.INTERNAL, "x", null, null, Origin.JOB, LoadFailure.OTHER))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LlmException(Kind.INTERNAL, "x", null, null, Origin.MODEL_LOAD, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wireNamesRoundTrip() {
        for (Origin o : Origin.values()) {
            assertThat(Origin.forWire(o.wire())).isEqualTo(o);
        }
        for (LoadFailure f : LoadFailure.values()) {
            assertThat(LoadFailure.forWire(f.wire())).isEqualTo(f);
        }
        assertThat(Origin.MODEL_LOAD.wire()).isEqualTo("model_load");
        assertThat(Origin.forWire("nowhere")).isNull();
    }

    @Test
    void withoutAnImplementationOnTheClassPathLlmServicesSaysWhatToAdd() {
        assertThatThrownBy(LlmServices::main).isInstanceOf(LlmException.class)
                .hasMessageContaining("jllm-providers");
        assertThatThrownBy(() -> LlmServices.proxy(java.net.URI.create("http://127.0.0.1:1")))
                .hasMessageContaining("jllm-proxy-client");
        assertThatThrownBy(() -> LlmServices.fromEnvironment(java.util.Map.of("JLLM_SERVER_URL", "::not a url")))
                .hasMessageContaining("JLLM_SERVER_URL");
    }
}
