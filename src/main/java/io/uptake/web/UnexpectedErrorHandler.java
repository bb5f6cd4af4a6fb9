package io.uptake.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.UUID;

/**
 * The answer to any failure no more specific handler took: 500 with a reference, never the exception's
 * message. Micronaut's default quotes the message, and a JDBC driver's message carries SQL, table names and
 * sometimes the value it refused. The reference is logged with the failure (scrubbed, see
 * {@link FailureReport}), so whoever is told it can find the stack trace.
 */
@Produces
@Singleton
class UnexpectedErrorHandler implements ExceptionHandler<Throwable, HttpResponse<?>> {
    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedErrorHandler.class);
    static final String MESSAGE = "Something went wrong on our side; nothing was shown of it. Quote this reference if you report it";

    // Raw HttpRequest: ExceptionHandler.handle declares it raw, and a parameterised override would not override.
    @SuppressWarnings("rawtypes")
    @Override
    public HttpResponse<?> handle(HttpRequest request, Throwable failure) {
        String reference = UUID.randomUUID().toString();
        // The path without its query, which could carry a search term.
        LOG.error("Unexpected failure {} on {} {}: {}", reference, request.getMethodName(), request.getPath(),
                FailureReport.describe(failure), FailureReport.scrubbed(failure));
        if (wantsPage(request)) {
            return HttpResponse.status(HttpStatus.INTERNAL_SERVER_ERROR).contentType(MediaType.TEXT_HTML_TYPE)
                    .body("""
                            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Error</title></head>
                            <body><h1>Something went wrong</h1><p>%s: <code id="error-reference">%s</code></p>
                            <p><a href="/ui">Back to Uptake</a></p></body></html>
                            """.formatted(MESSAGE, reference));
        }
        return HttpResponse.status(HttpStatus.INTERNAL_SERVER_ERROR).contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(Map.of("message", MESSAGE, "reference", reference));
    }

    /** A browser asking for a page (htmx requests too) gets a page; API clients get JSON. */
    private static boolean wantsPage(HttpRequest<?> request) {
        return request.accept().stream().anyMatch(t -> t.matches(MediaType.TEXT_HTML_TYPE))
                || request.getHeaders().contains("HX-Request");
    }
}
