package dev.jllm.server.routing;

import dev.jllm.server.openai.SystemFingerprint;
import dev.jllm.api.openai.ChatCompletion;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Ids for answers, and the fields a whole answer must have whatever the instance left out. */
final class WholeAnswers {

    private static final SecureRandom RANDOM = new SecureRandom();

    private WholeAnswers() { }

    /** OpenAI-style ids: a prefix and random hex. */
    static String newId(String prefix) {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return prefix + HexFormat.of().formatHex(b);
    }

    /** @param model the model the answer names (the id the client asked for); null keeps the instance's */
    static ChatCompletion normalized(ChatCompletion c, String model) {
        String id = c.id() == null || c.id().isBlank() ? newId("chatcmpl-") : c.id();
        long created = c.created() > 0 ? c.created() : System.currentTimeMillis() / 1000;
        String m = model != null ? model : c.model();
        return new ChatCompletion(id, ChatCompletion.OBJECT, created, m, SystemFingerprint.or(c.systemFingerprint()), c.choices(),
                c.usage());
    }
}
