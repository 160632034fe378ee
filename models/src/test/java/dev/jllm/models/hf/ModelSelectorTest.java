package dev.jllm.models.hf;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelSelectorTest {

    private static RepoFile f(String path, long size) {
        return new RepoFile(path, size, null, null);
    }

    private static ModelSelection pick(String ref, List<RepoFile> files) {
        return ModelSelector.select((ModelReference.Hub) ModelReference.parse(ref), files);
    }

    private static final List<RepoFile> QUANTS = List.of(f("README.md", 10), f("M-Q2_K.gguf", 200),
            f("M-Q4_K_M.gguf", 400), f("M-Q5_K_M.gguf", 500), f("M-Q8_0.gguf", 800), f("M-F16.gguf", 1600),
            f("mmproj-M-F16.gguf", 50));

    @Test
    void defaultIsQ4KMAndTagsMatchIgnoringCase() {
        assertThat(pick("a/b", QUANTS).primary()).isEqualTo("M-Q4_K_M.gguf");
        assertThat(pick("a/b", QUANTS).tag()).isEqualTo("Q4_K_M");
        assertThat(pick("a/b:q8_0", QUANTS).primary()).isEqualTo("M-Q8_0.gguf");
        assertThat(pick("a/b:F16", QUANTS).files()).extracting(RepoFile::path).containsExactly("M-F16.gguf");
        assertThat(pick("a/b/M-Q5_K_M.gguf", QUANTS).tag()).isEqualTo("Q5_K_M");
    }

    @Test
    void withoutQ4KMTheSmallestOfAtLeastFourBitsWins() {
        List<RepoFile> files = QUANTS.stream().filter(r -> !r.path().contains("Q4_K_M")).toList();
        assertThat(pick("a/b", files).primary()).isEqualTo("M-Q5_K_M.gguf"); // not the 2-bit one
        assertThat(pick("a/b", List.of(f("M-IQ1_S.gguf", 100), f("M-Q2_K.gguf", 200))).primary())
                .isEqualTo("M-Q2_K.gguf");
        assertThat(pick("a/b", List.of(f("stories260K.gguf", 100))).primary()).isEqualTo("stories260K.gguf");
        assertThat(pick("a/b", List.of(f("stories260K.gguf", 100))).tag()).isEqualTo("stories260K");
        assertThatThrownBy(() -> pick("a/b", List.of(f("one.gguf", 1), f("two.gguf", 2))))
                .hasMessageContaining("ambiguous").hasMessageContaining("one.gguf").hasMessageContaining("two.gguf");
    }

    @Test
    void missingTagListsTheQuantizationsTheRepoHas() {
        assertThatThrownBy(() -> pick("a/b:Q3_K_S", QUANTS))
                .isInstanceOfSatisfying(HubException.class,
                        e -> assertThat(e.reason()).isEqualTo(HubException.Reason.NO_MATCH))
                .hasMessageContaining("no GGUF file with quantization Q3_K_S")
                .hasMessageContaining("Q2_K (M-Q2_K.gguf, 200 B)").hasMessageContaining("F16 (M-F16.gguf");
        assertThatThrownBy(() -> pick("a/b/nope.gguf", QUANTS))
                .isInstanceOfSatisfying(HubException.class,
                        e -> assertThat(e.reason()).isEqualTo(HubException.Reason.NOT_FOUND))
                .hasMessageContaining("M-Q8_0.gguf");
        assertThatThrownBy(() -> pick("a/b", List.of(f("README.md", 1), f("model.onnx", 2))))
                .hasMessageContaining("neither GGUF files nor a safetensors model").hasMessageContaining("model.onnx");
    }

    @Test
    void splitModelsAreOneChoiceAndIncompleteOnesAreRefused() {
        List<RepoFile> files = new ArrayList<>(List.of(
                f("Q8_0/M-Q8_0-00002-of-00002.gguf", 5), f("Q8_0/M-Q8_0-00001-of-00002.gguf", 5),
                f("Q4_K_M/M-Q4_K_M-00001-of-00003.gguf", 3), f("Q4_K_M/M-Q4_K_M-00003-of-00003.gguf", 3)));
        ModelSelection q8 = pick("a/b:Q8_0", files);
        assertThat(q8.files()).extracting(RepoFile::path)
                .containsExactly("Q8_0/M-Q8_0-00001-of-00002.gguf", "Q8_0/M-Q8_0-00002-of-00002.gguf");
        assertThat(q8.primary()).isEqualTo("Q8_0/M-Q8_0-00001-of-00002.gguf");
        assertThat(pick("a/b/Q8_0/M-Q8_0-00002-of-00002.gguf", files).files()).hasSize(2);
        // Q4_K_M lacks part 2, so the default falls back to the complete Q8_0.
        assertThat(pick("a/b", files).tag()).isEqualTo("Q8_0");
        assertThatThrownBy(() -> pick("a/b/Q4_K_M/M-Q4_K_M-00001-of-00003.gguf", files))
                .hasMessageContaining("missing parts");
        assertThatThrownBy(() -> pick("a/b:Q4_K_M", files)).hasMessageContaining("no GGUF file with quantization");
    }

    @Test
    void safetensorsRepoGivesTheFilesAModelDirectoryNeeds() {
        List<RepoFile> files = List.of(f("config.json", 1), f("model.safetensors", 9), f("tokenizer.json", 2),
                f("tokenizer_config.json", 2), f("generation_config.json", 1), f("chat_template.jinja", 1),
                f("README.md", 1), f(".gitattributes", 1), f("original/consolidated.safetensors", 9),
                f("pytorch_model.bin", 9));
        ModelSelection s = pick("a/b", files);
        assertThat(s.format()).isEqualTo(ModelFormat.SAFETENSORS);
        assertThat(s.tag()).isEqualTo("safetensors");
        assertThat(s.files()).extracting(RepoFile::path).containsExactly("chat_template.jinja", "config.json",
                "generation_config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json");
        // A repo with both: GGUF by default, safetensors on request.
        List<RepoFile> both = new ArrayList<>(files);
        both.add(f("m-Q4_K_M.gguf", 4));
        assertThat(pick("a/b", both).format()).isEqualTo(ModelFormat.GGUF);
        assertThat(pick("a/b:safetensors", both).format()).isEqualTo(ModelFormat.SAFETENSORS);
        assertThatThrownBy(() -> pick("a/b:safetensors", QUANTS)).hasMessageContaining("no safetensors model");
    }

    @Test
    void nonUniqueQuantizationGetsAStemTag() {
        List<RepoFile> files = List.of(f("M-Q4_K_M.gguf", 4), f("M-Instruct-Q4_K_M.gguf", 4), f("M-Q8_0.gguf", 8));
        assertThat(pick("a/b/M-Instruct-Q4_K_M.gguf", files).tag()).isEqualTo("M-Instruct-Q4_K_M");
        assertThat(pick("a/b:M-Instruct-Q4_K_M", files).primary()).isEqualTo("M-Instruct-Q4_K_M.gguf");
        assertThat(pick("a/b:Q8_0", files).tag()).isEqualTo("Q8_0");
        assertThatThrownBy(() -> pick("a/b", files)).hasMessageContaining("ambiguous");
    }
}
