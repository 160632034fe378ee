package dev.jllm.server.routing;

import dev.jllm.api.LlmException;
import dev.jllm.server.admission.GenerationSlots;
import dev.jllm.server.http.RequestBodies;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonObject;

import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What the OpenAI generation routes share: the server must be ready, the request is checked and bound, routed to an
 * instance and given a slot there, then answered whole or streamed. The slot is held until the answer is sent.
 *
 * @param <R> the bound request
 */
abstract class GenerationRoute<R> implements Handler {

    final ServerContext ctx;
    private final BiConsumer<ServerContext, JsonObject> promptCheck;
    private final Function<JsonObject, R> binder;
    private final Function<R, String> model;
    private final Predicate<R> streamed;

    /**
     * @param promptCheck refuses a prompt longer than the context, before the rest of the body is checked
     * @param binder      checks the body and binds it; refusals are ApiExceptions
     * @param model       the model a request names, as the router takes it
     * @param streamed    whether a request asks for a streamed answer
     */
    GenerationRoute(ServerContext ctx, BiConsumer<ServerContext, JsonObject> promptCheck,
                    Function<JsonObject, R> binder, Function<R, String> model, Predicate<R> streamed) {
        this.ctx = ctx;
        this.promptCheck = promptCheck;
        this.binder = binder;
        this.model = model;
        this.streamed = streamed;
    }

    @Override
    public final void handle(ServerRequest req, ServerResponse res) {
        Readiness503.check(ctx.readiness());
        JsonObject body = RequestBodies.jsonObject(req, ctx.config().maxBodyBytes());
        promptCheck.accept(ctx, body);
        R request = binder.apply(body);
        ModelRouter.Target target = ctx.router().resolve(model.apply(request));
        try (GenerationSlots.Slot _ = ctx.slots().acquire(target.instance())) {
            if (streamed.test(request)) {
                stream(res, request, target);
            } else {
                whole(req, res, request, target);
            }
        } catch (LlmException e) {
            throw refusal(e, target);
        }
    }

    abstract void whole(ServerRequest req, ServerResponse res, R request, ModelRouter.Target target);

    abstract void stream(ServerResponse res, R request, ModelRouter.Target target);

    /** What an instance's failure is answered with; by default the failure itself, mapped as everywhere else. */
    RuntimeException refusal(LlmException e, ModelRouter.Target target) {
        return e;
    }
}
