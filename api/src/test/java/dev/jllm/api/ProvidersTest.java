package dev.jllm.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProvidersTest {

    record Factory(String type) implements LlmProviderFactory {
        @Override
        public Llm create(String name, LlmConfig config) {
            return null;
        }
    }

    @Test
    void unknownTypesNameTheAvailableOnes() {
        Providers p = Providers.of(List.of(new Factory("openai"), new Factory("ollama")));
        assertThat(p.types()).containsExactly("ollama", "openai");
        assertThat(p.supports("ollama")).isTrue();
        assertThat(p.supports("local")).isFalse();
        assertThatThrownBy(() -> p.factory("local")).isInstanceOf(LlmException.class)
                .hasMessage("unknown instance type 'local'; available: ollama, openai")
                .extracting(e -> ((LlmException) e).kind()).isEqualTo(LlmException.Kind.INVALID_REQUEST);
        assertThatThrownBy(() -> Providers.of(List.of()).factory("x")).hasMessageContaining("available: none");
    }

    @Test
    void aFactoryReturningNothingIsReported() {
        Providers p = Providers.of(List.of(new Factory("ollama")));
        assertThatThrownBy(() -> p.create("a", OllamaConfig.defaults())).hasMessageContaining("returned no instance");
    }

    @Test
    void twoDifferentFactoriesForOneTypeAreAnError() {
        LlmProviderFactory other = new LlmProviderFactory() {
            public String type() {
                return "openai";
            }

            public Llm create(String name, LlmConfig config) {
                return null;
            }
        };
        assertThatThrownBy(() -> Providers.of(List.of(new Factory("openai"), other)))
                .hasMessageContaining("two providers for instance type 'openai'");
    }

    @Test
    void theApiModuleAloneProvidesNoTypes() {
        assertThat(Providers.load().types()).isEmpty();
    }
}
