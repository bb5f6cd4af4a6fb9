package io.uptake.importing;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

import java.util.Map;

/**
 * Refuses a request whose declared Content-Length is over UPTAKE_MAX_UPLOAD_BYTES before anything reads its body:
 * HTTP 413 with a sentence a person can read, and the connection closed. Without it the server's own request limit
 * answered 400 with an internal exception name, and only after the client had sent the whole body (a client that
 * sends everything before reading hung for minutes). It runs first, before login and CSRF checks: the answer
 * says nothing about the caller, and work on a body we will refuse is wasted. A body without a Content-Length
 * (chunked) is still bounded by the server's max-request-size and the importer's own count.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
class UploadLimit implements Ordered {
    private final long maxBytes;

    UploadLimit(@Value("${uptake.importing.max-upload-bytes:104857600}") long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @RequestFilter
    @Nullable
    MutableHttpResponse<?> refuseTooLarge(HttpRequest<?> request) {
        long declared = request.getContentLength();
        if (declared <= maxBytes) {
            return null;
        }
        String sentence = Upload.TooLarge.sentence(maxBytes);
        MutableHttpResponse<?> response;
        if (request.getHeaders().contains("HX-Request")) {
            // An htmx form: a fragment it swaps into its target (uptake.js lets htmx swap a 413).
            response = HttpResponse.status(HttpStatus.REQUEST_ENTITY_TOO_LARGE)
                    .body("<p class=\"error\" role=\"alert\" id=\"upload-too-large\">" + sentence + "</p>")
                    .contentType(MediaType.TEXT_HTML_TYPE);
        } else {
            response = HttpResponse.status(HttpStatus.REQUEST_ENTITY_TOO_LARGE)
                    .body(Map.of("message", sentence, "limitBytes", maxBytes))
                    .contentType(MediaType.APPLICATION_JSON_TYPE);
        }
        // The body is left unread: closing is what lets a client still sending it see the answer and stop.
        return response.header(HttpHeaders.CONNECTION, "close");
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.before();
    }
}
