package io.uptake.web;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

/**
 * The browser-side protections of every response, in one place (docs/roles.md, "Browser and HTTP hygiene").
 * <ul>
 *   <li>CSP: scripts and styles only from our own files (no inline script, so an injected one does not run),
 *   no framing, no plugins, forms post only to us.</li>
 *   <li>No framing also for browsers without CSP ({@code X-Frame-Options}), no MIME sniffing.</li>
 *   <li>{@code Referrer-Policy: same-origin}: URLs can hold NHS numbers (patient look-ups, previews) and must not
 *   leave in a Referer; same-origin rather than no-referrer, because no-referrer also makes browsers send
 *   {@code Origin: null} on our own form posts, which an Origin check would refuse.</li>
 *   <li>{@code Cache-Control: no-store} on everything but static assets: pages, API answers and CSVs carry
 *   patient data and must not stay in a shared PC's cache.</li>
 *   <li>HSTS when the public URL is https (behind TLS); never on plain http, where it would be ignored or stick
 *   a developer's localhost to https.</li>
 * </ul>
 * Outside the security filter (it runs first), so refusals (401, 403) and errors get the headers too.
 */
@ServerFilter("/**")
class SecurityHeaders implements Ordered {
    static final String CSP = String.join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'");
    static final String HSTS = "max-age=31536000; includeSubDomains";
    private final boolean https;

    SecurityHeaders(@Value("${uptake.public-url:`http://localhost:8080`}") String publicUrl) {
        this.https = publicUrl.trim().toLowerCase(java.util.Locale.ROOT).startsWith("https://");
    }

    @ResponseFilter
    void addHeaders(HttpRequest<?> request, MutableHttpResponse<?> response) {
        var headers = response.getHeaders();
        headers.set("Content-Security-Policy", CSP);
        headers.set("X-Frame-Options", "DENY");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "same-origin");
        if (!isStaticAsset(request.getPath())) {
            headers.set(HttpHeaders.CACHE_CONTROL, "no-store");
        }
        if (https) {
            headers.set("Strict-Transport-Security", HSTS);
        }
    }

    /** Our scripts, styles and libraries: the same for everyone, no patient data, so they may be cached. */
    private static boolean isStaticAsset(String path) {
        return path.startsWith("/assets/") || path.startsWith("/webjars/");
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.order();
    }
}
