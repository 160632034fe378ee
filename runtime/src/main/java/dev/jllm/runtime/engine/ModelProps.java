package dev.jllm.runtime.engine;

import dev.jllm.runtime.chat.tools.ThinkingSplitter;
import dev.jllm.runtime.chat.tools.ToolCallFormats;
import dev.jllm.runtime.sampling.SamplingParams;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * llama-server's {@code /props} for one model: its context, slots, sampling defaults, chat template and what the
 * template can do (tools and their call syntax, a thinking switch).
 */
final class ModelProps {

    private ModelProps() {
    }

    static Map<String, Object> of(LocalModel m, int slots) {
        var tokenizer = m.tokenizer();
        var template = m.chatTemplate();
        SamplingParams d = m.samplingDefaults();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("temperature", d.temperature());
        params.put("top_k", d.topK());
        params.put("top_p", d.topP());
        params.put("min_p", d.minP());
        params.put("repeat_penalty", d.repeatPenalty());
        params.put("presence_penalty", d.presencePenalty());
        params.put("frequency_penalty", d.frequencyPenalty());
        Map<String, Object> generation = new LinkedHashMap<>();
        generation.put("n_ctx", m.contextSize());
        generation.put("params", params);
        Map<String, Object> caps = new LinkedHashMap<>();
        caps.put("supports_tools", template.canCarryTools());
        caps.put("tool_call_format", template.canCarryTools()
                ? ToolCallFormats.detect(template.source()).name() : null);
        caps.put("supports_thinking", ThinkingSplitter.usedBy(template.source()));
        caps.put("supports_reasoning_effort", template.source().contains("enable_thinking"));
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("default_generation_settings", generation);
        props.put("total_slots", slots);
        props.put("model_path", m.id());
        props.put("chat_template", template.source());
        props.put("chat_template_builtin", m.hasBuiltInTemplate());
        props.put("chat_template_problem", m.templateProblem());
        props.put("chat_template_caps", caps);
        props.put("bos_token", tokenizer.bos() >= 0 ? tokenizer.tokenText(tokenizer.bos()) : null);
        props.put("eos_token", tokenizer.eos() >= 0 ? tokenizer.tokenText(tokenizer.eos()) : null);
        props.put("modalities", Map.of("vision", false, "audio", false));
        props.put("build_info", "jllm");
        return props;
    }
}
