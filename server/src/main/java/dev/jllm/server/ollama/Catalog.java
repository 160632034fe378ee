package dev.jllm.server.ollama;

import dev.jllm.models.store.ModelManifest;
import dev.jllm.models.store.ModelStoreException;
import dev.jllm.models.store.StoredModel;
import dev.jllm.server.ondemand.ModelNames;
import dev.jllm.server.ondemand.OnDemandModels;
import dev.jllm.server.routing.ServerContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The models Ollama clients see: the store's models by their canonical names, the copies ({@code /api/copy}) by
 * theirs, the pinned {@code --model}s by their instance names, and the files of the {@code --models-dir}s by their
 * relative paths. Every listed name routes.
 */
final class Catalog {

    /** One listed model. {@code path} is what the facts are read from (null when unknown). */
    record Entry(String name, String canonical, Path path, long size, Instant modifiedAt, String digest) { }

    private final ServerContext ctx;

    Catalog(ServerContext ctx) {
        this.ctx = ctx;
    }

    List<Entry> list() {
        Map<String, Entry> out = new LinkedHashMap<>();
        OnDemandModels od = ctx.router().onDemand();
        ModelNames names = od.names();
        for (OnDemandModels.Loaded l : od.loaded()) {
            if (l.pinned()) {
                out.putIfAbsent(l.instance(), pinned(l));
            }
        }
        for (StoredModel m : names.store().list()) {
            out.putIfAbsent(m.name(), stored(m.name(), m));
        }
        for (ModelNames.Found f : names.modelsDirFiles()) {
            String name = names.modelsDirName(f.canonical()).orElse(f.canonical());
            out.putIfAbsent(name, file(name, f));
        }
        for (String alias : names.aliases().all().keySet()) {
            find(alias).ifPresent(e -> out.putIfAbsent(alias, e));
        }
        return new ArrayList<>(out.values());
    }

    /** The entry a name means, without loading anything; empty when the name does not route. */
    Optional<Entry> find(String name) {
        OnDemandModels od = ctx.router().onDemand();
        for (OnDemandModels.Loaded l : od.loaded()) {
            if (l.instance().equals(name)) {
                return Optional.of(l.pinned() ? pinned(l) : loaded(name, l));
            }
        }
        ModelNames names = od.names();
        Optional<String> aliasTarget = names.aliasTarget(name);
        if (aliasTarget.isPresent()) {
            // a copy of a pinned model names its instance
            for (OnDemandModels.Loaded l : od.loaded()) {
                if (l.pinned() && l.instance().equals(aliasTarget.get())) {
                    Entry p = pinned(l);
                    return Optional.of(new Entry(name, p.canonical(), p.path(), p.size(), p.modifiedAt(), p.digest()));
                }
            }
        }
        Optional<ModelNames.Found> f;
        try {
            f = names.find(name, false);
        } catch (ModelStoreException e) {
            throw OllamaException.badRequest(e.getMessage());
        }
        if (f.isEmpty()) {
            return Optional.empty();
        }
        Optional<StoredModel> stored = storeModel(f.get().canonical());
        return Optional.of(stored.map(m -> stored(name, m)).orElseGet(() -> file(name, f.get())));
    }

    private Optional<StoredModel> storeModel(String canonical) {
        try {
            return ctx.router().onDemand().names().store().find(canonical);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private Entry stored(String name, StoredModel m) {
        ModelManifest man = m.manifest();
        String digest = man.files().stream().filter(f -> f.path().equals(man.primary()) && f.sha256() != null)
                .map(ModelManifest.File::sha256).findFirst().orElseGet(() -> sha256(m.name()));
        return new Entry(name, m.name(), m.primaryPath(), m.size(), man.pulledAt(), digest);
    }

    private Entry file(String name, ModelNames.Found f) {
        Instant modified = Instant.EPOCH;
        try {
            modified = Files.getLastModifiedTime(f.path()).toInstant();
        } catch (IOException | RuntimeException ignored) {
            // keep the epoch
        }
        return new Entry(name, f.canonical(), f.path(), f.size(), modified, sha256(f.canonical()));
    }

    private Entry pinned(OnDemandModels.Loaded l) {
        Optional<StoredModel> stored = storeModel(l.canonical());
        if (stored.isPresent()) {
            return stored(l.instance(), stored.get());
        }
        Path p = Path.of(l.canonical());
        Instant modified = Instant.EPOCH;
        try {
            modified = Files.getLastModifiedTime(p).toInstant();
        } catch (IOException | RuntimeException ignored) {
            // keep the epoch
        }
        return new Entry(l.instance(), l.canonical(), Files.exists(p) ? p : null, l.size(), modified,
                sha256(l.canonical()));
    }

    private Entry loaded(String name, OnDemandModels.Loaded l) {
        return storeModel(l.canonical()).map(m -> stored(name, m))
                .orElseGet(() -> file(name, new ModelNames.Found(l.canonical(), Path.of(l.canonical()), l.size())));
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
