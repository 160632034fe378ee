package dev.jllm.springai;

import dev.jllm.api.LlmException;
import dev.jllm.api.ModelHandle;
import dev.jllm.api.openai.EmbeddingRequest;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.embedding.EmbeddingResponseMetadata;

import java.util.ArrayList;
import java.util.List;

/**
 * A Spring AI {@link EmbeddingModel} answered by jllm: the texts of one request are embedded together, each a
 * normalized vector (mean pooling of the model's final hidden states).
 */
public final class JllmEmbeddingModel implements EmbeddingModel {

    private final ModelHandle handle;

    public JllmEmbeddingModel(ModelHandle handle) {
        this.handle = handle;
    }

    @Override
    public EmbeddingResponse call(org.springframework.ai.embedding.EmbeddingRequest request) {
        Integer dimensions = request.getOptions() == null ? null : request.getOptions().getDimensions();
        String model = request.getOptions() == null ? null : request.getOptions().getModel();
        if (model != null && !model.equals(handle.model())) {
            throw LlmException.invalid("this model serves '" + handle.model() + "'; the request names '" + model
                    + "'");
        }
        var r = handle.service().embeddings(handle.instance(), new EmbeddingRequest(handle.model(),
                request.getInstructions(), null, dimensions, null));
        List<Embedding> out = new ArrayList<>(r.data().size());
        for (var e : r.data()) {
            out.add(new Embedding(e.embedding(), e.index()));
        }
        int tokens = r.usage() == null ? 0 : r.usage().promptTokens();
        return new EmbeddingResponse(out, new EmbeddingResponseMetadata(r.model(),
                new DefaultUsage(tokens, 0, tokens)));
    }

    @Override
    public float[] embed(Document document) {
        return embed(document.getText());
    }

    public ModelHandle handle() {
        return handle;
    }
}
