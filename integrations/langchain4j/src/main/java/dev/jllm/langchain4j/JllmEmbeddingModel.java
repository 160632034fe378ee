package dev.jllm.langchain4j;

import dev.jllm.api.ModelHandle;
import dev.jllm.api.openai.EmbeddingRequest;
import dev.jllm.api.openai.EmbeddingResponse;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;

import java.util.ArrayList;
import java.util.List;

/**
 * A LangChain4j {@link EmbeddingModel} answered by jllm: the segments of one call are embedded together, each a
 * normalized vector (mean pooling of the model's final hidden states, as llama.cpp's {@code --pooling mean}).
 */
public final class JllmEmbeddingModel implements EmbeddingModel {

    private final ModelHandle handle;

    private JllmEmbeddingModel(JllmModelBuilder<?> b) {
        this.handle = b.source().open();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        List<String> texts = new ArrayList<>(segments.size());
        for (TextSegment s : segments) {
            texts.add(s.text());
        }
        EmbeddingResponse r = handle.service().embeddings(handle.instance(),
                EmbeddingRequest.of(handle.model(), texts));
        List<Embedding> out = new ArrayList<>(r.data().size());
        for (var e : r.data()) {
            out.add(Embedding.from(e.embedding()));
        }
        return Response.from(out, r.usage() == null ? null : new TokenUsage(r.usage().promptTokens()));
    }

    @Override
    public String modelName() {
        return handle.model();
    }

    public ModelHandle handle() {
        return handle;
    }

    public static final class Builder extends JllmModelBuilder<Builder> {
        private Builder() {
        }

        public JllmEmbeddingModel build() {
            return new JllmEmbeddingModel(this);
        }
    }
}
