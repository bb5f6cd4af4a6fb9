package io.uptake.user;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.uptake.security.ClientAddress;
import io.uptake.security.SessionCookie;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The API's login and logout. Micronaut's own endpoints are switched off: its login cannot answer 429 with the
 * wait, and its logout does not end a bearer token.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class LoginController {
    private final Login login;
    private final ClientAddress clientAddress;
    private final SessionCookie cookie;

    LoginController(Login login, ClientAddress clientAddress, SessionCookie cookie) {
        this.login = login;
        this.clientAddress = clientAddress;
        this.cookie = cookie;
    }

    /** {@code {"username","password"}} gives {@code access_token} (bearer), as Micronaut's endpoint did. */
    @Post(value = "/login", consumes = {MediaType.APPLICATION_JSON, MediaType.APPLICATION_FORM_URLENCODED})
    @Secured(SecurityRule.IS_ANONYMOUS)
    HttpResponse<?> login(@Nullable @Body Credentials body, HttpRequest<?> request) {
        if (body == null || body.username() == null || body.password() == null) {
            return HttpResponse.badRequest(Map.of("message", "username and password are required"));
        }
        LoginOutcome outcome = login.attempt(body.username(), body.password(), clientAddress.of(request), "api");
        if (outcome instanceof LoginOutcome.Throttled t) {
            return tooManyRequests(t);
        }
        if (!(outcome instanceof LoginOutcome.Success s)) {
            return HttpResponse.unauthorized().body(Map.of("message", LoginOutcome.Refused.MESSAGE));
        }
        Map<String, Object> token = new LinkedHashMap<>();
        token.put("access_token", s.accessToken());
        token.put("token_type", "Bearer");
        token.put("expires_in", s.expiresInSeconds());
        token.put("username", s.username());
        token.put("roles", List.of(s.role()));
        token.put("password_change_required", s.passwordChangeRequired());
        return HttpResponse.ok(token);
    }

    /** Ends the session of the token used (bearer or the page cookie, which is cleared too). */
    @Post(value = "/logout", consumes = MediaType.ALL)
    @Secured(SecurityRule.IS_AUTHENTICATED)
    HttpResponse<?> logout(Authentication auth, HttpRequest<?> request) {
        login.logout(auth, clientAddress.of(request), "api");
        MutableHttpResponse<?> response = HttpResponse.ok(Map.of("message", "Logged out."));
        if (request.getCookies().contains(SessionCookie.NAME)) {
            response.cookie(cookie.cleared());
        }
        return response;
    }

    static MutableHttpResponse<?> tooManyRequests(LoginOutcome.Throttled t) {
        return HttpResponse.status(HttpStatus.TOO_MANY_REQUESTS).header("Retry-After", Long.toString(t.seconds()))
                .body(Map.of("message", t.message()));
    }

    @Serdeable
    record Credentials(@Nullable String username, @Nullable String password) {
    }
}
