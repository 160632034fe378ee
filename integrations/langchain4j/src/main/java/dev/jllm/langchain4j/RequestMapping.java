package dev.jllm.langchain4j;

import dev.jllm.api.LlmException;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.FunctionDefinition;
import dev.jllm.api.openai.ResponseFormat;
import dev.jllm.api.openai.StreamOptions;
import dev.jllm.api.openai.Tool;
import dev.jllm.api.openai.ToolChoice;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormatType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A LangChain4j {@link ChatRequest} as jllm's chat completion request: every parameter LangChain4j has maps onto
 * an OpenAI field jllm honours (tools, tool choice, JSON output with or without a schema, sampling, stops).
 */
final class RequestMapping {

    private RequestMapping() {
    }

    static ChatCompletionRequest toJllm(ChatRequest request, String model, Long seed, boolean stream) {
        ChatRequestParameters p = request.parameters();
        ChatCompletionRequest.Builder b = ChatCompletionRequest.builder()
                .model(model)
                .messages(MessageMapping.toJllm(request.messages()))
                .temperature(p.temperature())
                .topP(p.topP())
                .topK(p.topK())
                .frequencyPenalty(p.frequencyPenalty())
                .presencePenalty(p.presencePenalty())
                .maxCompletionTokens(p.maxOutputTokens())
                .seed(seed)
                .stream(stream ? Boolean.TRUE : null)
                .streamOptions(stream ? StreamOptions.INCLUDE_USAGE : null);
        if (p.modelName() != null && !p.modelName().equals(model)) {
            throw LlmException.invalid("this model serves '" + model + "'; the request names '" + p.modelName()
                    + "' (build another JllmChatModel for it)");
        }
        if (p.stopSequences() != null && !p.stopSequences().isEmpty()) {
            b.stop(p.stopSequences());
        }
        if (p.toolSpecifications() != null && !p.toolSpecifications().isEmpty()) {
            List<Tool> tools = new ArrayList<>();
            for (ToolSpecification spec : p.toolSpecifications()) {
                tools.add(Tool.function(new FunctionDefinition(spec.name(), spec.description(),
                        parameters(spec), spec.strict())));
            }
            b.tools(tools);
            if (p.toolChoice() != null) {
                b.toolChoice(switch (p.toolChoice()) {
                    case AUTO -> ToolChoice.AUTO;
                    case REQUIRED -> ToolChoice.REQUIRED;
                    case NONE -> ToolChoice.NONE;
                });
            }
        }
        if (p.responseFormat() != null && p.responseFormat().type() == ResponseFormatType.JSON) {
            var schema = p.responseFormat().jsonSchema();
            b.responseFormat(schema == null ? ResponseFormat.JSON_OBJECT : ResponseFormat.jsonSchema(
                    new ResponseFormat.JsonSchema(schema.name() == null ? "answer" : schema.name(), null,
                            JsonSchemaElementUtils.toMap(schema.rootElement()), Boolean.TRUE)));
        }
        return b.build();
    }

    /** A tool's parameters as a JSON schema object ({"type":"object","properties":{}} when it takes none). */
    private static Map<String, Object> parameters(ToolSpecification spec) {
        if (spec.parameters() == null) {
            Map<String, Object> empty = new LinkedHashMap<>();
            empty.put("type", "object");
            empty.put("properties", Map.of());
            return empty;
        }
        return JsonSchemaElementUtils.toMap(spec.parameters());
    }
}
