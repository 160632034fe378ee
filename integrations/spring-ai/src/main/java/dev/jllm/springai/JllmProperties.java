package dev.jllm.springai;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code jllm.*} application properties.
 *
 * <ul>
 *   <li>{@code jllm.model}: a {@code .gguf} file, a Hugging Face model directory, a store name or a Hugging Face
 *   reference ({@code hf.co/OWNER/REPO:QUANT}, pulled at start-up when missing); the auto-configuration starts
 *   only when it is set</li>
 *   <li>{@code jllm.threads}: engine threads (0: the physical cores)</li>
 *   <li>{@code jllm.context-size}: context per sequence (0: the model's)</li>
 *   <li>{@code jllm.temperature}, {@code jllm.top-p}, {@code jllm.max-tokens}: default options of the chat model</li>
 * </ul>
 */
@ConfigurationProperties(prefix = "jllm")
public class JllmProperties {

    private String model;
    private int threads;
    private int contextSize;
    private Double temperature;
    private Double topP;
    private Integer maxTokens;

    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model;
    }

    public int getThreads() {
        return threads;
    }

    public void setThreads(int threads) {
        this.threads = threads;
    }

    public int getContextSize() {
        return contextSize;
    }

    public void setContextSize(int contextSize) {
        this.contextSize = contextSize;
    }

    public Double getTemperature() {
        return temperature;
    }

    public void setTemperature(Double temperature) {
        this.temperature = temperature;
    }

    public Double getTopP() {
        return topP;
    }

    public void setTopP(Double topP) {
        this.topP = topP;
    }

    public Integer getMaxTokens() {
        return maxTokens;
    }

    public void setMaxTokens(Integer maxTokens) {
        this.maxTokens = maxTokens;
    }
}
