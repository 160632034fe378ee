package dev.jllm.runtime.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The models an instance has loaded, by the name they were served under. A generation holds a lease on its
 * model, so an unload while it runs takes effect (the mapping is released) when the last lease is returned.
 */
final class LoadedModels {

    private static final class Entry {
        final LocalModel model;
        int leases;
        boolean unloaded;

        Entry(LocalModel model) {
            this.model = model;
        }
    }

    /** Use of a loaded model; close it when done. */
    final class Lease implements AutoCloseable {
        private final Entry entry;
        private boolean closed;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        LocalModel model() {
            return entry.model;
        }

        @Override
        public void close() {
            synchronized (LoadedModels.this) {
                if (closed) {
                    return;
                }
                closed = true;
                entry.leases--;
                if (entry.unloaded && entry.leases == 0) {
                    entry.model.close();
                }
            }
        }
    }

    private final Map<String, Entry> byId = new LinkedHashMap<>();

    synchronized void add(String id, LocalModel model) {
        Entry old = byId.put(id, new Entry(model));
        if (old != null) {
            retire(old);
        }
    }

    synchronized Optional<LocalModel> find(String id) {
        Entry e = byId.get(id);
        return e == null ? Optional.empty() : Optional.of(e.model);
    }

    synchronized Optional<Lease> lease(String id) {
        Entry e = byId.get(id);
        if (e == null) {
            return Optional.empty();
        }
        e.leases++;
        return Optional.of(new Lease(e));
    }

    synchronized List<String> ids() {
        return new ArrayList<>(byId.keySet());
    }

    /** Unloads; false when no model has that id. */
    synchronized boolean remove(String id) {
        Entry e = byId.remove(id);
        if (e == null) {
            return false;
        }
        retire(e);
        return true;
    }

    synchronized void clear() {
        for (Entry e : byId.values()) {
            retire(e);
        }
        byId.clear();
    }

    private void retire(Entry e) {
        e.unloaded = true;
        if (e.leases == 0) {
            e.model.close();
        }
    }
}
