package io.uptake.security;

import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.core.annotation.Nullable;

import java.util.Set;

/**
 * Refuses a state-changing request that carries the session cookie (a browser) but not the page's CSRF
 * token. API clients send a bearer token and no cookie, and are not affected. Any Authorization header
 * does not excuse a request with the cookie: the cookie still authenticates it (a made-up
 * "Authorization: Basic ..." once let a forged request through), so only a cookie-less request skips the check.
 */
@ServerFilter("/**")
class CsrfFilter {
    static final String SESSION_COOKIE = "UPTAKE_JWT";
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    private final Csrf csrf;

    CsrfFilter(Csrf csrf) {
        this.csrf = csrf;
    }

    @RequestFilter
    @Nullable
    MutableHttpResponse<?> check(HttpRequest<?> request) {
        if (SAFE.contains(request.getMethod())) {
            return null;
        }
        Cookie session = request.getCookies().get(SESSION_COOKIE);
        if (session == null || session.getValue().isBlank()) {
            return null; // nothing here is authenticated by the cookie: bearer clients and anonymous callers
        }
        if (request.getPath().equals("/ui/login")) {
            return null;
        }
        if (csrf.isValid(session.getValue(), request.getHeaders().get(Csrf.HEADER))) {
            return null;
        }
        return HttpResponse.status(io.micronaut.http.HttpStatus.FORBIDDEN)
                .body(java.util.Map.of("message", "Missing or invalid CSRF token: reload the page and try again."));
    }
}
