package io.uptake.security;

import io.micronaut.core.annotation.NonNull;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.token.Claims;
import io.micronaut.security.token.jwt.validator.GenericJwtClaimsValidator;
import jakarta.inject.Singleton;

/**
 * Honours a signed, unexpired token only while its session is live ({@link StaffSessions}), and counts the request
 * as activity. Runs on the blocking pool ({@code micronaut.security.token.jwt.nimbus.reactive-validator-execute-on-blocking}),
 * not the event loop, since it reads the database.
 *
 * <p>Two kinds of request do not count as activity, or an open page would keep its session alive for ever: the
 * page script asking how long is left ({@code GET /ui/session}) and requests marked {@value #BACKGROUND_HEADER}
 * (the campaign page's polling).
 */
@Singleton
class SessionClaimsValidator<T> implements GenericJwtClaimsValidator<T> {
    static final String BACKGROUND_HEADER = "X-Uptake-Background";
    private final StaffSessions sessions;

    SessionClaimsValidator(StaffSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public boolean validate(@NonNull Claims claims, @Nullable T request) {
        Object jti = claims.get("jti");
        if (jti == null) {
            return false;
        }
        String id = jti.toString();
        return (isActivity(request) ? sessions.activity(id) : sessions.idleSecondsLeft(id)).isPresent();
    }

    static boolean isActivity(@Nullable Object request) {
        if (!(request instanceof HttpRequest<?> http)) {
            return false;
        }
        if (http.getHeaders().contains(BACKGROUND_HEADER)) {
            return false;
        }
        return !(http.getMethod() == HttpMethod.GET && SessionController.PATH.equals(http.getPath()));
    }
}
