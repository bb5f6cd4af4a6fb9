package io.uptake.booking;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.uptake.security.ClientAddress;

import java.net.URI;
import java.time.Clock;

/**
 * {@code GET /b/{token}}: the short link in a patient's text. Open to anyone (patients have no login); a live
 * token is recorded as clicked and answered 302 to the campaign's booking page. Anything else gets a plain
 * page saying to call the practice, never a hint whether the token existed.
 */
@Controller("/b")
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
class BookingLinkController {
    static final String CALL_YOUR_PRACTICE = """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>This booking link does not work</title></head>
            <body>
            <main>
            <h1>This booking link does not work</h1>
            <p>The link may be old or mistyped. Please call your GP practice to book: the number is in the text
            they sent you.</p>
            </main>
            </body>
            </html>
            """;
    static final String TOO_MANY = """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Too many tries</title></head>
            <body>
            <main>
            <h1>Too many tries</h1>
            <p>Please try your link again later, or call your GP practice to book.</p>
            </main>
            </body>
            </html>
            """;

    private final BookingLinks links;
    private final MissThrottle throttle;
    private final ClientAddress addresses;
    private final Clock clock;

    BookingLinkController(BookingLinks links, MissThrottle throttle, ClientAddress addresses, Clock clock) {
        this.links = links;
        this.throttle = throttle;
        this.addresses = addresses;
        this.clock = clock;
    }

    @Get("/{token}")
    HttpResponse<String> open(@PathVariable String token, HttpRequest<?> request) {
        String address = addresses.of(request);
        if (throttle.refused(address)) {
            return HttpResponse.<String>status(HttpStatus.TOO_MANY_REQUESTS).header("Retry-After", "600")
                    .contentType(MediaType.TEXT_HTML_TYPE).body(TOO_MANY);
        }
        var target = links.open(token, clock.instant());
        if (target.isEmpty()) {
            throttle.miss(address);
            return HttpResponse.<String>notFound().contentType(MediaType.TEXT_HTML_TYPE).body(CALL_YOUR_PRACTICE);
        }
        // No caching: each opening is a click to count.
        return HttpResponse.<String>status(HttpStatus.FOUND).header("Location", URI.create(target.get()).toASCIIString())
                .header("Cache-Control", "no-store");
    }
}
