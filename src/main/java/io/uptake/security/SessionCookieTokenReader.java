package io.uptake.security;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.security.token.reader.TokenReader;
import jakarta.inject.Singleton;

import java.util.Optional;

/** Reads the web UI's JWT from its HTTP-only cookie; API clients use the bearer header instead. */
@Singleton
class SessionCookieTokenReader implements TokenReader<HttpRequest<?>> {
    static final String COOKIE = "UPTAKE_JWT";

    @Override
    public Optional<String> findToken(HttpRequest<?> request) {
        return request.getCookies().findCookie(COOKIE).map(Cookie::getValue).filter(v -> !v.isBlank());
    }
}
