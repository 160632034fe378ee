package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.api.ProgressEvent;
import dev.jllm.api.ProgressListener;
import dev.jllm.api.openai.Model;
import dev.jllm.models.ModelFormatException;
import dev.jllm.models.hf.HfModelDirectory;
import dev.jllm.models.store.ModelResolver;
import dev.jllm.models.store.ModelStore;
import dev.jllm.models.store.ServePulls;
import dev.jllm.runtime.scheduler.SchedulerStats;
import dev.jllm.template.ChatTemplateException;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The models of one local instance: resolving a reference (a file, a Hugging Face directory, a store name, a Hub
 * reference pulled into the store first), loading, leasing to generations, unloading and deleting from the store.
 * A request naming a model that is a file or in the store loads it on first use.
 */
final class LocalModels {

    private static final System.Logger LOG = System.getLogger(LocalModels.class.getName());

    private final String instance;
    private final ModelLoading loading;
    /** Null: the default model store under JLLM_HOME. */
    private final ModelResolver resolver;
    private final LoadedModels loaded = new LoadedModels();

    LocalModels(String instance, ModelLoading loading, ModelResolver resolver) {
        this.instance = instance;
        this.loading = loading;
        this.resolver = resolver;
    }

    List<String> ids() {
        return loaded.ids();
    }

    /** The loaded models, then the store's (served on request: they load on first use). */
    List<Model> list(long created) {
        List<Model> out = new ArrayList<>();
        Set<Path> loadedPaths = new HashSet<>();
        for (String id : loaded.ids()) {
            out.add(Model.of(id, created, "jllm", true));
            loaded.find(id).ifPresent(m -> loadedPaths.add(m.path().toAbsolutePath().normalize()));
        }
        if (store() instanceof ModelStore s) {
            try {
                for (var stored : s.list()) {
                    if (!loaded.ids().contains(stored.name())
                            && !loadedPaths.contains(stored.primaryPath().toAbsolutePath().normalize())) {
                        out.add(Model.of(stored.name(), created, "jllm", false));
                    }
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot list the model store: " + e.getMessage());
            }
        }
        return out;
    }

    /** Loaded, or a file, model directory or store model that a request naming it would load. */
    boolean has(String modelId) {
        if (modelId == null || modelId.isBlank()) {
            return false;
        }
        return loaded.find(modelId).isPresent() || isFile(modelId) || inStore(modelId);
    }

    void serve(String model, ProgressListener progress) {
        if (model == null || model.isBlank()) {
            throw LlmException.invalid("serve needs a model: a .gguf path, a store name or a Hugging Face reference");
        }
        if (loaded.find(model).isPresent()) {
            progress.onProgress(ProgressEvent.of("ready", model + " is loaded"));
            return;
        }
        progress.onProgress(ProgressEvent.of("resolving", "looking up " + model));
        Path path;
        LocalModel m;
        try {
            path = resolveOrPull(model, progress);
            progress.onProgress(ProgressEvent.of("loading", "loading " + path.getFileName()));
            m = loading.load(model, path);
        } catch (LlmException e) {
            throw LoadFailures.classify(e);
        } catch (ModelFormatException | ChatTemplateException e) {
            throw LoadFailures.classify(new LlmException(LlmException.Kind.INVALID_REQUEST, "cannot load " + model
                    + ": " + e.getMessage(), e));
        } catch (OutOfMemoryError e) {
            throw LoadFailures.outOfMemory(model, e);
        }
        loaded.add(model, m);
        LOG.log(System.Logger.Level.INFO, "instance {0}: loaded {1} from {2} in {3} ms", instance, model, path,
                m.loadNanos() / 1_000_000);
        progress.onProgress(ProgressEvent.of("ready", model + " is loaded"));
    }

    private Path resolveOrPull(String model, ProgressListener progress) {
        if (isFile(model)) {
            return Path.of(model);
        }
        if (Path.of(model).isAbsolute() && model.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            // A file name, not a store or Hub reference: say plainly that the file is not there (reported as an
            // invalid request, as before; the load-failure reason tells it apart).
            throw LlmException.modelLoad(LlmException.LoadFailure.MODEL_NOT_FOUND, LlmException.Kind.INVALID_REQUEST,
                    "model file " + model + " does not exist", null);
        }
        return ServePulls.resolveOrPull(store(), model, model, progress);
    }

    void unload(String model) {
        if (!loaded.remove(model)) {
            throw LlmException.notFound("model '" + model + "' is not loaded by instance '" + instance + "'");
        }
    }

    void delete(String model) {
        // Every refusal comes before the model is unloaded: a refused delete changes nothing.
        if (isFile(model)) {
            throw LlmException.invalid("jllm deletes only models in its store, not other files: " + model);
        }
        if (!(store() instanceof ModelStore ms)) {
            throw new LlmException(LlmException.Kind.NOT_SUPPORTED, "this instance has no model store");
        }
        if (!inStore(model)) {
            throw LlmException.notFound("model '" + model + "' is not in the model store");
        }
        loaded.remove(model);
        ServePulls.delete(ms, model);
    }

    /** The model a request names (the only loaded one when it names none); a file or stored model loads now. */
    LoadedModels.Lease acquire(String model) {
        if (model == null || model.isBlank()) {
            List<String> ids = loaded.ids();
            if (ids.size() != 1) {
                throw LlmException.invalid("the request names no model; instance '" + instance + "' has " + ids);
            }
            model = ids.getFirst();
        }
        final String id = model;
        Optional<LoadedModels.Lease> lease = loaded.lease(id);
        if (lease.isPresent()) {
            return lease.get();
        }
        if (isFile(id) || inStore(id)) {
            synchronized (this) {
                if (loaded.find(id).isEmpty()) {
                    serve(id, e -> { });
                }
            }
            return loaded.lease(id).orElseThrow(() -> LlmException.notFound("model '" + id + "' was unloaded meanwhile"));
        }
        throw LlmException.notFound("model '" + id + "' is not loaded by instance '" + instance + "' and is neither a"
                + " file nor in the model store" + (loaded.ids().isEmpty() ? "" : "; loaded: " + loaded.ids()));
    }

    /**
     * The model as an error message names it: the id the request used, or the instance's name when that id is a
     * file on this server (a {@code --model} path is nobody's business but the server's).
     */
    String errorName(String requested, LocalModel m) {
        String id = requested == null || requested.isBlank() ? m.id() : requested;
        try {
            return Files.exists(Path.of(id)) ? instance : id;
        } catch (RuntimeException notAPath) {
            return id;
        }
    }

    /** The live load summed over the loaded models' schedulers, and the longest prompt any of them can take. */
    void putLoad(Map<String, String> details) {
        int active = 0;
        int waiting = 0;
        int cached = 0;
        long kvUsed = 0;
        long maxChars = 0;
        for (String id : loaded.ids()) {
            Optional<LocalModel> m = loaded.find(id);
            if (m.isPresent() && !m.get().embeddingOnly()) {
                SchedulerStats st = m.get().scheduler().stats();
                active += st.active();
                waiting += st.waiting();
                cached += st.cachedPrefixes();
                kvUsed += st.kvUsedBytes();
            }
            maxChars = Math.max(maxChars, m.map(LocalModel::maxPromptChars).orElse(0L));
        }
        details.put("active_sequences", Integer.toString(active));
        details.put("waiting_requests", Integer.toString(waiting));
        details.put("cached_prefixes", Integer.toString(cached));
        details.put("kv_used_bytes", Long.toString(kvUsed));
        if (maxChars > 0) {
            // what a server may refuse before parsing a request in full (no loaded model can hold more)
            details.put("max_prompt_chars", Long.toString(maxChars));
        }
    }

    void clear() {
        loaded.clear();
    }

    private ModelResolver store() {
        return resolver != null ? resolver : ModelStore.openDefault();
    }

    private static boolean isFile(String ref) {
        try {
            Path p = Path.of(ref);
            return Files.isRegularFile(p) || HfModelDirectory.isModelDirectory(p);
        } catch (InvalidPathException e) {
            return false; // not a path; maybe a store name
        }
    }

    private boolean inStore(String ref) {
        try {
            return store().resolveLocal(ref).isPresent();
        } catch (IllegalArgumentException e) {
            return false; // not a model reference at all
        }
    }
}
