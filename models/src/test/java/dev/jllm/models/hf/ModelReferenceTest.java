package dev.jllm.models.hf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelReferenceTest {

    @TempDir
    Path dir;

    @Test
    void hubFormsParseToOwnerRepoTagAndFile() {
        assertThat(ModelReference.parse("hf.co/bartowski/Qwen2.5-0.5B-Instruct-GGUF:Q8_0"))
                .isEqualTo(new ModelReference.Hub("bartowski/Qwen2.5-0.5B-Instruct-GGUF", "Q8_0", null));
        assertThat(ModelReference.parse("bartowski/Llama-3.2-1B-Instruct-GGUF"))
                .isEqualTo(new ModelReference.Hub("bartowski/Llama-3.2-1B-Instruct-GGUF", null, null));
        assertThat(ModelReference.parse("https://huggingface.co/unsloth/Qwen3-8B-GGUF:ud-q4_k_xl"))
                .isEqualTo(new ModelReference.Hub("unsloth/Qwen3-8B-GGUF", "ud-q4_k_xl", null));
        assertThat(ModelReference.parse("huggingface.co/a/b:latest"))
                .isEqualTo(new ModelReference.Hub("a/b", null, null));
        assertThat(ModelReference.parse("TheBloke/Foo-GGUF/sub/foo.Q4_K_M.gguf"))
                .isEqualTo(new ModelReference.Hub("TheBloke/Foo-GGUF", null, "sub/foo.Q4_K_M.gguf"));
        assertThat(ModelReference.parse(" hf.co/a/b:safetensors ").toString()).isEqualTo("hf.co/a/b:safetensors");
        ModelReference.Hub h = (ModelReference.Hub) ModelReference.parse("owner/name");
        assertThat(h.owner()).isEqualTo("owner");
        assertThat(h.name()).isEqualTo("name");
    }

    @Test
    void pathsAndExistingFilesAreLocal() throws Exception {
        Path f = Files.writeString(dir.resolve("m.gguf"), "x");
        assertThat(ModelReference.parse(f.toString())).isEqualTo(new ModelReference.Local(f));
        assertThat(ModelReference.parse("./models/x.gguf")).isInstanceOf(ModelReference.Local.class);
        assertThat(ModelReference.parse("../x")).isInstanceOf(ModelReference.Local.class);
        assertThat(ModelReference.parse("missing.gguf")).isEqualTo(new ModelReference.Local(Path.of("missing.gguf")));
        assertThat(ModelReference.parse("~/m.gguf")).isEqualTo(
                new ModelReference.Local(Path.of(System.getProperty("user.home") + "/m.gguf")));
        // An explicit hub prefix is never a local path.
        assertThat(ModelReference.parse("hf.co/a/b")).isInstanceOf(ModelReference.Hub.class);
    }

    @Test
    void badReferencesGiveClearErrors() {
        assertThatThrownBy(() -> ModelReference.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> ModelReference.parse("llama3"))
                .hasMessageContaining("neither an existing file nor a model reference");
        assertThatThrownBy(() -> ModelReference.parse("hf.co/../etc")).hasMessageContaining("bad repo name");
        assertThatThrownBy(() -> ModelReference.parse("hf.co/a/..:Q4")).hasMessageContaining("bad repo name");
        assertThatThrownBy(() -> ModelReference.parse("a/b/../../x.gguf")).hasMessageContaining("leaves its folder");
        assertThatThrownBy(() -> ModelReference.parse("a/b/config.json")).hasMessageContaining("must be a .gguf");
        assertThatThrownBy(() -> ModelReference.parse("a/b:Q4 K")).hasMessageContaining("bad tag");
        assertThatThrownBy(() -> ModelReference.parse("a/b:../x")).hasMessageContaining("bad tag");
        assertThatThrownBy(() -> ModelReference.parse("hf.co/a")).hasMessageContaining("model reference");
    }
}
