package dev.jllm.template;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class FallbackTemplatesTest {

    private static final List<Message> CHAT =
            List.of(Message.system("Be brief."), Message.user("Hi"), Message.assistant("Hello!"), Message.user("Bye"));

    @Test
    void picksTheFormatWhoseMarkersTheVocabularyHas() {
        assertThat(pick("<|im_start|>", "<|im_end|>")).isSameAs(FallbackTemplates.CHATML);
        assertThat(pick("<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>")).isSameAs(FallbackTemplates.LLAMA3);
        assertThat(pick("<start_of_turn>", "<end_of_turn>")).isSameAs(FallbackTemplates.GEMMA);
        assertThat(pick("<|user|>", "<|assistant|>", "<|end|>")).isSameAs(FallbackTemplates.PHI3);
        assertThat(pick("<|user|>", "<|assistant|>", "</s>")).isSameAs(FallbackTemplates.ZEPHYR);
        assertThat(pick("[INST]", "[/INST]")).isSameAs(FallbackTemplates.MISTRAL);
    }

    @Test
    void fallsBackToChatMlLikeLlamaCpp() {
        assertThat(pick("<s>", "</s>")).isSameAs(FallbackTemplates.CHATML);
        assertThat(ChatTemplate.of(FallbackTemplates.CHATML, null, null).render(CHAT, true))
                .isEqualTo(
                        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                                + "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void rendersLlama3Turns() {
        assertThat(ChatTemplate.of(FallbackTemplates.LLAMA3, "<|begin_of_text|>", "<|eot_id|>").render(CHAT, true))
                .isEqualTo(
                        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                                + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                                + "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
                                + "<|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|>"
                                + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void rendersMistralWithTheSystemMessageInTheFirstInstruction() {
        assertThat(ChatTemplate.of(FallbackTemplates.MISTRAL, "<s>", "</s>").render(CHAT, true))
                .isEqualTo("<s>[INST] Be brief.\n\nHi [/INST]Hello!</s>[INST] Bye [/INST]");
    }

    @Test
    void rendersGemmaWithTheSystemMessageInTheFirstUserTurn() {
        assertThat(ChatTemplate.of(FallbackTemplates.GEMMA, "<bos>", "<eos>").render(CHAT, true))
                .isEqualTo(
                        "<bos><start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\nHello!<end_of_turn>\n"
                                + "<start_of_turn>user\nBye<end_of_turn>\n<start_of_turn>model\n");
    }

    @Test
    void rendersPhi3AndZephyrTurns() {
        assertThat(ChatTemplate.of(FallbackTemplates.PHI3, null, "<|endoftext|>").render(CHAT, true))
                .isEqualTo(
                        "<|system|>\nBe brief.<|end|>\n<|user|>\nHi<|end|>\n<|assistant|>\nHello!<|end|>\n<|user|>\nBye<|end|>\n"
                                + "<|assistant|>\n");
        assertThat(ChatTemplate.of(FallbackTemplates.ZEPHYR, "<s>", "</s>").render(CHAT, true))
                .isEqualTo(
                        "<|system|>\nBe brief.</s>\n<|user|>\nHi</s>\n<|assistant|>\nHello!</s>\n<|user|>\nBye</s>\n<|assistant|>\n");
    }

    private static String pick(String... tokens) {
        return FallbackTemplates.forVocabulary(Set.of(tokens)::contains);
    }
}
