package io.uptake.web;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.AuthenticationFailed;
import io.micronaut.security.authentication.AuthenticationResponse;
import io.micronaut.security.authentication.UsernamePasswordCredentials;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.token.generator.AccessRefreshTokenGenerator;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.views.ModelAndView;
import io.uptake.audit.AuditLog;
import io.uptake.security.StaffAuthenticationProvider;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** The browser's way in: the same check as POST /login, with the token kept in an HTTP-only cookie. */
@Controller("/ui")
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.TEXT_HTML)
class LoginPageController {
    static final String SESSION_COOKIE = "UPTAKE_JWT";
    private final StaffAuthenticationProvider<Object> authentication;
    private final AccessRefreshTokenGenerator tokens;
    private final AuditLog audit;
    private final boolean secureCookie;
    private final long sessionSeconds;

    LoginPageController(StaffAuthenticationProvider<Object> authentication, AccessRefreshTokenGenerator tokens,
                        AuditLog audit,
                        @Value("${uptake.secure-cookie:false}") boolean secureCookie,
                        @Value("${micronaut.security.token.generator.access-token.expiration:28800}") long sessionSeconds) {
        this.authentication = authentication;
        this.tokens = tokens;
        this.audit = audit;
        this.secureCookie = secureCookie;
        this.sessionSeconds = sessionSeconds;
    }

    @Get("/login")
    @Secured(SecurityRule.IS_ANONYMOUS)
    ModelAndView<Map<String, Object>> page(@Nullable @QueryValue String error) {
        return new ModelAndView<>("login", Map.of("error", error == null ? "" : "Wrong username or password."));
    }

    @Post(value = "/login", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    @Secured(SecurityRule.IS_ANONYMOUS)
    HttpResponse<?> login(@Body LoginForm form, HttpRequest<?> request) {
        AuthenticationResponse result = authentication.authenticate(null,
                new UsernamePasswordCredentials(form.username(), form.password()));
        if (!result.isAuthenticated()) {
            String message = result instanceof AuthenticationFailed f ? f.getMessage().orElse("") : "";
            return HttpResponse.ok(new ModelAndView<>("login", Map.of("error",
                    message.startsWith("Too many") ? message : "Wrong username or password.")));
        }
        var auth = result.getAuthentication().orElseThrow();
        String token = tokens.generate(auth).orElseThrow().getAccessToken();
        audit.record(auth.getName(), null, "LOGIN", "ui", null);
        return HttpResponse.seeOther(URI.create("/ui")).cookie(session(token, Duration.ofSeconds(sessionSeconds)));
    }

    @Post("/logout")
    @Secured(SecurityRule.IS_AUTHENTICATED)
    HttpResponse<?> logout() {
        return HttpResponse.seeOther(URI.create("/ui/login")).cookie(session("", Duration.ZERO));
    }

    private Cookie session(String value, Duration maxAge) {
        return Cookie.of(SESSION_COOKIE, value).httpOnly(true).secure(secureCookie).sameSite(SameSite.Strict)
                .path("/").maxAge(maxAge);
    }

    @Serdeable
    record LoginForm(String username, String password) {
    }
}
