package dev.jllm.runtime.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.jllm.models.gguf.GgmlType;
import dev.jllm.runtime.model.Batch;
import dev.jllm.runtime.model.EngineOptions;
import dev.jllm.runtime.model.Golden;
import dev.jllm.runtime.tensor.RopeOrder;
import dev.jllm.models.testing.TestData;
import org.junit.jupiter.api.Test;

/** One call opens a GGUF file or an HF directory; both compute the golden logits (quantized ones agree too). */
class OpenNetworkTest {

    @Test
    void ggufAndHfDirectoryGiveTheSameLogits() throws Exception {
        int[] prompt = Golden.load().getFirst().promptIds();
        EngineOptions engine = new EngineOptions(1, true, 16_384);
        for (GgmlType quantize : new GgmlType[] {null, GgmlType.Q8_0}) {
            float[] a;
            float[] b;
            try (OpenNetwork g = OpenNetwork.open(TestData.require(Golden.MODEL), engine, quantize)) {
                assertThat(g.network().config().ropeOrder()).isEqualTo(RopeOrder.NORMAL);
                a = g.network().forward(Batch.ofPrompt(prompt, 0, 0), g.network().newKvCache()).get(prompt.length - 1).clone();
            }
            try (OpenNetwork h = OpenNetwork.open(TestData.require("stories260K/hf"), engine, quantize)) {
                assertThat(h.network().config().ropeOrder()).isEqualTo(RopeOrder.NEOX);
                b = h.network().forward(Batch.ofPrompt(prompt, 0, 0), h.network().newKvCache()).get(prompt.length - 1).clone();
            }
            for (int i = 0; i < a.length; i++) {
                assertThat((double) b[i]).as("%s logit %d", quantize, i).isCloseTo(a[i], within(1e-4));
            }
        }
    }
}
