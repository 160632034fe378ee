package dev.jllm.server.cli;

import dev.jllm.models.hf.CancelToken;
import dev.jllm.models.store.ModelStore;
import dev.jllm.models.store.StoredModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code jllm pull REF}: download a model from Hugging Face into the store, with progress and resume. */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Download a model from Hugging Face into the store (JLLM_HOME, default ~/.jllm).",
                "REF: hf.co/OWNER/REPO[:QUANT] or OWNER/REPO[:QUANT] (GGUF of that quantization, default Q4_K_M), "
                        + "OWNER/REPO/FILE.gguf, or OWNER/REPO:safetensors.",
                "An interrupted pull resumes where it stopped (`jllm ls` shows it as partial, `jllm rm` removes it)."
                        + " HF_TOKEN is used for gated repos, HF_ENDPOINT for mirrors. A download slower than"
                        + " JLLM_PULL_MIN_RATE bytes/s (default 1k; 64k, 1m, 0 for none) for a minute times out."})
final class PullCommand extends StoreCommand {

    @Parameters(index = "0", paramLabel = "REF", description = "The model to pull.")
    String ref;

    @Override
    void run(ModelStore store, PrintWriter out) {
        PullProgressPrinter printer = PullProgressPrinter.forStdout(out);
        CancelToken cancel = new CancelToken();
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C: stop the download cleanly so its .part is complete up to the last byte written and unlocked.
        Thread hook = new Thread(() -> {
            cancel.cancel();
            try {
                stopped.await(3, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            printer.finishLine();
            out.println("interrupted: what was downloaded is kept; run `jllm pull " + ref + "` again to resume");
            out.flush();
        }, "jllm-pull-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            StoredModel m = store.pull(ref, printer, cancel);
            printer.finishLine();
            out.println("model file: " + m.primaryPath());
        } finally {
            printer.finishLine();
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down already: the hook is running
            }
        }
    }
}
