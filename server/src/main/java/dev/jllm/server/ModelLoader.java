package dev.jllm.server;

import dev.jllm.api.Llm;
import dev.jllm.api.LlmService;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.openai.Model;
import dev.jllm.providers.LlmServiceMain;
import dev.jllm.server.admission.Readiness;
import dev.jllm.server.config.ModelSpec;
import dev.jllm.server.config.ServerConfig;
import dev.jllm.server.metrics.Metrics;

import dev.jllm.server.ondemand.ModelNames;
import dev.jllm.server.ondemand.OnDemandModels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Loads the {@code --model}s of {@code jllm serve} into local instances, one after the other, and makes the first
 * the current model. Runs on its own thread while the server already answers ({@code /health} says loading).
 */
final class ModelLoader implements Runnable {

    private static final System.Logger LOG = System.getLogger(ModelLoader.class.getName());

    private final ServerConfig config;
    private final LlmService service;
    private final Readiness readiness;
    private final Metrics metrics;
    private final OnDemandModels onDemand;

    ModelLoader(ServerConfig config, LlmService service, Readiness readiness, Metrics metrics,
                OnDemandModels onDemand) {
        this.onDemand = onDemand;
        this.config = config;
        this.service = service;
        this.readiness = readiness;
        this.metrics = metrics;
        readiness.loading(config.models().stream().map(ModelSpec::instanceName).toList());
    }

    @Override
    public void run() {
        boolean first = true;
        for (ModelSpec spec : config.models()) {
            String name = spec.instanceName();
            try {
                LOG.log(System.Logger.Level.INFO, "loading " + spec.ref() + " as '" + name + "'");
                long t0 = System.nanoTime();
                // Made from the command line at each start: not saved (LlmServiceMain), and it replaces an instance
                // of its name saved by an earlier run.
                Llm llm;
                if (service instanceof LlmServiceMain main) {
                    if (main.has(name)) {
                        LOG.log(System.Logger.Level.WARNING, "--model '" + name + "' replaces the saved instance of"
                                + " that name");
                        main.remove(name);
                    }
                    llm = main.createUnsaved(name, localConfig(spec));
                } else {
                    llm = service.create(name, localConfig(spec));
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                metrics.modelLoadSeconds.set(seconds, name);
                LOG.log(System.Logger.Level.INFO, String.format("loaded '%s' in %.2fs", name, seconds));
                if (first) {
                    List<Model> models = llm.models();
                    String modelId = models.isEmpty() ? name : models.getFirst().id();
                    service.setCurrentModel(modelId, null, name);
                    first = false;
                }
                pin(spec, name);
                readiness.loaded(name);
            } catch (RuntimeException e) {
                String msg = "cannot load model '" + spec.ref() + "': " + e.getMessage();
                LOG.log(System.Logger.Level.ERROR, msg, e);
                readiness.failed(msg);
                return;
            }
        }
        readiness.ready();
    }

    /** Records the model under its canonical name too, so that requests naming it in the store's spelling get it. */
    private void pin(ModelSpec spec, String instance) {
        Optional<ModelNames.Found> found = Optional.empty();
        try {
            found = onDemand.names().find(spec.ref(), false);
        } catch (RuntimeException e) {
            // an ambiguous store name: the instance name still reaches it
        }
        if (found.isPresent()) {
            onDemand.pin(found.get().canonical(), instance, found.get().size());
            return;
        }
        try {
            Path real = Path.of(spec.ref()).toRealPath();
            onDemand.pin(real.toString(), instance, Files.isRegularFile(real) ? Files.size(real) : 0);
        } catch (IOException | RuntimeException e) {
            onDemand.pin(spec.ref(), instance, 0);
        }
    }

    LocalConfig localConfig(ModelSpec spec) {
        LocalConfig local = LocalConfig.of(spec.ref())
                .withThreads(config.threads())
                .withContextSize(config.contextSize())
                .withKvType(config.kvType())
                .withParallel(config.parallel());
        // the local engine's option name (LocalLlm.QUANTIZE); the server does not depend on the runtime
        if (spec.chatTemplateFile() != null) {
            local = local.withOption("chat_template_file", spec.chatTemplateFile()); // LocalSettings.CHAT_TEMPLATE_FILE
        }
        return spec.quantize() == null ? local : local.withOption("quantize", spec.quantize());
    }
}
