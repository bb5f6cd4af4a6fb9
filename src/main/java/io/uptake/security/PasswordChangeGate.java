package io.uptake.security;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.security.authentication.Authentication;

import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * A user whose password an admin reset may do nothing but choose a new one (or log out): pages go to the
 * change-password page, API calls get 403 saying what to do. Runs after the security filter, which has put the
 * authentication on the request.
 */
@ServerFilter("/**")
public class PasswordChangeGate implements Ordered {
    /** Claim on a token whose user must choose a new password before doing anything else. */
    public static final String PASSWORD_CHANGE_CLAIM = "pwd_change";

    static final String PAGE = "/ui/password";
    static final String API = "/api/me/password";
    static final String MESSAGE = "Your password was reset: choose a new one before going on (POST " + API
            + " with currentPassword and newPassword, or the page " + PAGE + ").";
    private static final Set<String> OPEN = Set.of(PAGE, API, "/logout", "/ui/logout", SessionController.PATH);

    @RequestFilter
    @Nullable
    MutableHttpResponse<?> check(HttpRequest<?> request) {
        Authentication auth = request.getUserPrincipal(Authentication.class).orElse(null);
        if (auth == null || !mustChangePassword(auth)) {
            return null;
        }
        String path = request.getPath();
        if (OPEN.contains(path) || path.startsWith("/assets/") || path.startsWith("/webjars/")) {
            return null;
        }
        if (path.startsWith("/ui")) {
            if (request.getHeaders().contains("HX-Request")) {
                return HttpResponse.ok().header("HX-Redirect", PAGE);
            }
            return HttpResponse.seeOther(URI.create(PAGE));
        }
        return HttpResponse.status(HttpStatus.FORBIDDEN).body(Map.of("message", MESSAGE));
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.after();
    }

    /** True when the token carries the forced password change claim. */
    public static boolean mustChangePassword(Authentication auth) {
        return Boolean.TRUE.equals(auth.getAttributes().get(PASSWORD_CHANGE_CLAIM))
                || "true".equals(String.valueOf(auth.getAttributes().get(PASSWORD_CHANGE_CLAIM)));
    }
}
