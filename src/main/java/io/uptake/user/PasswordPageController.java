package io.uptake.user;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.views.ModelAndView;
import io.uptake.security.PasswordChangeGate;
import io.uptake.security.PasswordPolicy;
import io.uptake.security.SessionCookie;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The page on which a user changes their password; after an admin's reset, the only page they can open. */
@Controller("/ui/password")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.TEXT_HTML)
class PasswordPageController {
    private final UserService users;
    private final Login login;
    private final SessionCookie cookie;

    PasswordPageController(UserService users, Login login, SessionCookie cookie) {
        this.users = users;
        this.login = login;
        this.cookie = cookie;
    }

    @Get
    ModelAndView<Map<String, Object>> page(Authentication auth) {
        return new ModelAndView<>("password", model(auth, null));
    }

    /** htmx posts here; success swaps the session cookie for a new one and goes home (HX-Redirect). */
    @Post(consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> change(@Body PasswordController.PasswordChange form, Authentication auth) {
        try {
            StaffUser user = users.changeOwnPassword(auth.getName(), form.currentPassword(), form.newPassword());
            LoginOutcome.Success session = login.startSession(user);
            return HttpResponse.ok().header("HX-Redirect", "/ui")
                    .cookie(cookie.of(session.accessToken(), Duration.ofSeconds(session.expiresInSeconds())));
        } catch (IllegalArgumentException e) {
            return HttpResponse.ok(new ModelAndView<>("password :: panel", model(auth, e.getMessage())));
        }
    }

    private static Map<String, Object> model(Authentication auth, String error) {
        Map<String, Object> model = new HashMap<>();
        model.put("required", PasswordChangeGate.mustChangePassword(auth));
        model.put("minLength", PasswordPolicy.MIN_LENGTH);
        model.put("error", error);
        return model;
    }
}
