/**
 * Proxy mode: {@link dev.jllm.proxy.LlmServiceProxy}, the {@link dev.jllm.api.LlmService} that forwards engine
 * work to a jllm server as jobs (docs/jobs-api.md) and runs the HTTP instance types itself. Inside:
 * {@code JobsClient} (the jobs API over the JDK HTTP client), {@code JobEventFollower} (one job's events, resumed
 * with Last-Event-ID after a dropped connection), {@code RemoteCall} (a job followed to its result, cancelled on
 * interrupt or close), {@code ServerJobs} (each service operation as its job), {@code ForwardingLlm} (a server
 * instance), {@code CurrentModelFeed} and {@code CurrentModelTracker} (the current model and its listeners).
 *
 * <p>Depends on the JDK, {@code api} and {@code providers} (with the JSON binding they bring) only: the build
 * fails if the engine, {@code models}, Helidon or jlama ever enter its dependency tree.
 */
package dev.jllm.proxy;
