package dev.jllm.server.http;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/** Makes the server's read deadlines available to the code that reads request bodies (the request context). */
public final class ReadDeadlineFilter implements Filter {

    private final ReadDeadlines deadlines;

    public ReadDeadlineFilter(ReadDeadlines deadlines) {
        this.deadlines = deadlines;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        req.context().register(deadlines);
        chain.proceed();
    }
}
