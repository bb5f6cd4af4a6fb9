package io.uptake.security;

import io.micronaut.context.annotation.Value;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Locale;

/**
 * The web UI's session cookie: HTTP-only, SameSite=Strict, and Secure whenever the service is served over HTTPS
 * ({@code UPTAKE_PUBLIC_URL} starts with https://), with no separate setting to forget.
 */
@Singleton
public class SessionCookie {
    public static final String NAME = SessionCookieTokenReader.COOKIE;
    private final boolean secure;

    SessionCookie(@Value("${uptake.public-url:`http://localhost:8080`}") String publicUrl) {
        this.secure = isHttps(publicUrl);
    }

    static boolean isHttps(String publicUrl) {
        return publicUrl != null && publicUrl.trim().toLowerCase(Locale.ROOT).startsWith("https://");
    }

    public Cookie of(String token, Duration maxAge) {
        return Cookie.of(NAME, token).httpOnly(true).secure(secure).sameSite(SameSite.Strict).path("/").maxAge(maxAge);
    }

    public Cookie cleared() {
        return of("", Duration.ZERO);
    }
}
