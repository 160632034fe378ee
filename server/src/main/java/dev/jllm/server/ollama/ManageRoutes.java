package dev.jllm.server.ollama;

import dev.jllm.models.store.ModelStoreException;
import dev.jllm.server.ondemand.Aliases;
import dev.jllm.server.ondemand.ModelNames;
import dev.jllm.server.ondemand.OnDemandModels;
import dev.jllm.server.openai.JsonFields;
import dev.jllm.server.routing.ServerContext;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Optional;
import java.util.Set;

/** {@code POST /api/copy} (a new name for a model, kept as an alias) and {@code DELETE /api/delete}. */
final class ManageRoutes {

    private final ServerContext ctx;
    private final Catalog catalog;

    ManageRoutes(ServerContext ctx, Catalog catalog) {
        this.ctx = ctx;
        this.catalog = catalog;
    }

    void copy(ServerRequest req, ServerResponse res) {
        JsonFields body = OllamaRequests.body(req, ctx, Set.of("source", "destination"), "/api/copy");
        String source = body.string("source");
        String destination = body.string("destination");
        if (source == null || source.isBlank() || destination == null || destination.isBlank()) {
            throw OllamaException.badRequest("source and destination are required");
        }
        source = source.strip();
        destination = destination.strip();
        if (!Aliases.valid(destination)) {
            throw OllamaException.badRequest("invalid destination name '" + destination + "': use [namespace/]name"
                    + "[:tag] of letters, digits, '.', '_' and '-'");
        }
        Catalog.Entry src = catalog.find(source).orElse(null);
        if (src == null) {
            throw new OllamaException(404, "model \"" + source + "\" not found");
        }
        ModelNames names = ctx.router().onDemand().names();
        if (names.aliasTarget(destination).isEmpty() && (ctx.service().has(destination)
                || names.find(destination, false).isPresent())) {
            throw OllamaException.badRequest("destination '" + destination + "' already names a model; delete it"
                    + " first or pick another name");
        }
        // A copy of a pinned model names its instance (its canonical name may be a path no request may use).
        String target = ctx.router().onDemand().loaded().stream()
                .filter(l -> l.pinned() && l.instance().equals(src.name()))
                .map(OnDemandModels.Loaded::instance).findFirst().orElse(src.canonical());
        names.aliases().put(destination, target);
        res.status(Status.OK_200).send();
    }

    void delete(ServerRequest req, ServerResponse res) {
        JsonFields body = OllamaRequests.body(req, ctx, Set.of("model", "name"), "/api/delete");
        String model = OllamaRequests.model(body);
        ModelNames names = ctx.router().onDemand().names();
        if (names.aliases().remove(model)) {
            res.status(Status.OK_200).send();
            return;
        }
        OnDemandModels od = ctx.router().onDemand();
        boolean pinned = od.loaded().stream().anyMatch(l -> l.pinned() && l.instance().equals(model));
        Optional<ModelNames.Found> found = pinned ? Optional.empty() : names.find(model, false);
        if (!pinned && found.isEmpty()) {
            // what a pull that stopped midway left (`jllm ls` shows it as partial) is removable too
            if (names.store().removePartial(model).isPresent()) {
                res.status(Status.OK_200).send();
                return;
            }
            throw OllamaException.modelNotFound(model);
        }
        String canonical = pinned ? null : found.get().canonical();
        if (pinned || od.find(canonical).map(OnDemandModels.Loaded::pinned).orElse(false)) {
            throw OllamaException.badRequest("'" + model + "' is loaded with --model; it cannot be deleted while"
                    + " the server runs");
        }
        if (names.store().find(canonical).isEmpty()) {
            throw OllamaException.badRequest("'" + model + "' is a file in a --models-dir; jllm deletes only models"
                    + " in its store");
        }
        od.unload(canonical);
        try {
            names.store().remove(canonical, true);
        } catch (ModelStoreException e) {
            throw OllamaException.modelNotFound(model);
        }
        names.aliases().removeTargeting(canonical);
        res.status(Status.OK_200).send();
    }
}
