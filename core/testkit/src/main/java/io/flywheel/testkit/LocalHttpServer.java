package io.flywheel.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real HTTP server on 127.0.0.1 for tests: serves saved pages and feeds, scripted responses
 * (statuses, headers, redirects), and records every request with the concurrency seen on arrival.
 */
public final class LocalHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Function<Request, Response>> routes = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger maxActive = new AtomicInteger();

    /** What the server received. {@code concurrent} counts requests in progress on arrival, this one included. */
    public record Request(String method, String path, String query, Map<String, List<String>> headers, long receivedNanos, int concurrent) {
        public String header(String name) {
            for (var e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().getFirst();
                }
            }
            return null;
        }
    }

    /** A scripted answer. */
    public record Response(int status, Map<String, String> headers, byte[] body) {
        public static Response ok(String body, String contentType) {
            return new Response(200, Map.of("Content-Type", contentType), body.getBytes(StandardCharsets.UTF_8));
        }

        public static Response bytes(byte[] body, String contentType) {
            return new Response(200, Map.of("Content-Type", contentType), body);
        }

        public static Response status(int status) {
            return new Response(status, Map.of(), new byte[0]);
        }

        public static Response redirect(String location) {
            return new Response(302, Map.of("Location", location), new byte[0]);
        }

        public Response withHeader(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Response(status, h, body);
        }
    }

    private LocalHttpServer(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    public static LocalHttpServer start() {
        try {
            return new LocalHttpServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + (pathAndQuery.startsWith("/") ? "" : "/") + pathAndQuery);
    }

    /** Answers {@code path} (exact, without query) with {@code handler}. */
    public LocalHttpServer route(String path, Function<Request, Response> handler) {
        routes.put(path, handler);
        return this;
    }

    public LocalHttpServer serve(String path, Response response) {
        return route(path, r -> response);
    }

    /** Serves {@code file}'s bytes at {@code path}. */
    public LocalHttpServer serveFile(String path, Path file, String contentType) {
        try {
            return serve(path, Response.bytes(Files.readAllBytes(file), contentType));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** The most requests this server handled at the same time. */
    public int maxConcurrent() {
        return maxActive.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        int now = active.incrementAndGet();
        maxActive.accumulateAndGet(now, Math::max);
        boolean counted = true;
        try {
            URI uri = exchange.getRequestURI();
            Map<String, List<String>> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, new ArrayList<>(v)));
            Request request = new Request(exchange.getRequestMethod(), uri.getPath(), uri.getRawQuery(), headers, System.nanoTime(), now);
            requests.add(request);
            Function<Request, Response> handler = routes.get(uri.getPath());
            Response response = handler == null ? Response.status(404) : handler.apply(request);
            response.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            boolean noBody = response.status() == 304 || response.status() == 204 || exchange.getRequestMethod().equals("HEAD");
            // No longer in flight once the response is complete: the client may start its next request before this thread resumes.
            active.decrementAndGet();
            counted = false;
            exchange.sendResponseHeaders(response.status(), noBody ? -1 : response.body().length == 0 ? -1 : response.body().length);
            if (!noBody && response.body().length > 0) {
                exchange.getResponseBody().write(response.body());
            }
        } finally {
            if (counted) {
                active.decrementAndGet();
            }
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
