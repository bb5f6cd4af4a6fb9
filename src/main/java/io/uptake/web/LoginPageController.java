package io.uptake.web;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.views.ModelAndView;
import io.uptake.security.ClientAddress;
import io.uptake.security.SessionCookie;
import io.uptake.security.SessionSettings;
import io.uptake.user.Login;
import io.uptake.user.LoginOutcome;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** The browser's way in: the same check as POST /login, with the token kept in an HTTP-only cookie. */
@Controller("/ui")
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.TEXT_HTML)
class LoginPageController {
    static final String SESSION_COOKIE = SessionCookie.NAME;
    private final Login login;
    private final ClientAddress clientAddress;
    private final SessionCookie cookie;
    private final SessionSettings sessions;
    private final String publicUrl;

    LoginPageController(Login login, ClientAddress clientAddress, SessionCookie cookie, SessionSettings sessions,
                        @Value("${uptake.public-url:`http://localhost:8080`}") String publicUrl) {
        this.login = login;
        this.clientAddress = clientAddress;
        this.cookie = cookie;
        this.sessions = sessions;
        this.publicUrl = publicUrl;
    }

    @Get("/login")
    @Secured(SecurityRule.IS_ANONYMOUS)
    ModelAndView<Map<String, Object>> page(@Nullable @QueryValue String error, @Nullable @QueryValue String ended) {
        String message = error != null ? LoginOutcome.Refused.MESSAGE : "";
        String notice = "idle".equals(ended)
                ? "You were logged out after " + sessions.getIdleTimeout().toMinutes() + " minutes without activity."
                : "";
        return new ModelAndView<>("login", Map.of("error", message, "notice", notice));
    }

    private static String typed(LoginForm form) {
        return form.username() == null ? "" : form.username();
    }

    @Post(value = "/login", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Secured(SecurityRule.IS_ANONYMOUS)
    HttpResponse<?> login(@Body LoginForm form, HttpRequest<?> request) {
        if (!SameOrigin.allows(request.getHeaders().get(HttpHeaders.ORIGIN), request.getHeaders().get(HttpHeaders.REFERER),
                request.getHeaders().get(HttpHeaders.HOST), publicUrl)) {
            return HttpResponse.status(HttpStatus.FORBIDDEN).body(new ModelAndView<>("login", Map.of("error",
                    "This login form was sent from another site: open the login page of Uptake itself.", "notice", "")));
        }
        LoginOutcome outcome = login.attempt(form.username(), form.password(), clientAddress.of(request), "ui");
        if (outcome instanceof LoginOutcome.Throttled t) {
            return HttpResponse.status(HttpStatus.TOO_MANY_REQUESTS).header("Retry-After", Long.toString(t.seconds()))
                    .body(new ModelAndView<>("login", Map.of("error", t.message(), "notice", "", "username", typed(form))));
        }
        if (!(outcome instanceof LoginOutcome.Success s)) {
            // The username stays in its box (the password never comes back): the person corrects it, not retypes it.
            return HttpResponse.ok(new ModelAndView<>("login", Map.of("error", LoginOutcome.Refused.MESSAGE, "notice", "",
                    "username", typed(form))));
        }
        return HttpResponse.seeOther(URI.create(s.passwordChangeRequired() ? "/ui/password" : "/ui"))
                .cookie(cookie.of(s.accessToken(), Duration.ofSeconds(s.expiresInSeconds())));
    }

    /**
     * The nav's Log out button (an htmx post, so it carries the CSRF token): ends the session on the server,
     * clears the cookie and sends the browser to the login page (HX-Redirect, as htmx would otherwise swap the
     * login page into this one).
     */
    @Post(value = "/logout", consumes = MediaType.ALL)
    @Secured(SecurityRule.IS_AUTHENTICATED)
    HttpResponse<?> logout(Authentication auth, HttpRequest<?> request) {
        login.logout(auth, clientAddress.of(request), "ui");
        if (request.getHeaders().contains("HX-Request")) {
            return HttpResponse.ok().header("HX-Redirect", "/ui/login").cookie(cookie.cleared());
        }
        return HttpResponse.seeOther(URI.create("/ui/login")).cookie(cookie.cleared());
    }

    @Serdeable
    record LoginForm(@Nullable String username, @Nullable String password) {
    }
}
