package io.uptake.user;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.views.ModelAndView;
import io.uptake.security.CurrentUser;
import io.uptake.security.PasswordPolicy;
import io.uptake.security.Role;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The admin's page for staff accounts: the same rules as /api/users. Every form swaps the whole panel. */
@Controller("/ui/users")
@Secured(Role.ADMIN_NAME)
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.TEXT_HTML)
class UsersPageController {
    private final UserService users;
    private final PcnRepository pcns;

    UsersPageController(UserService users, PcnRepository pcns) {
        this.users = users;
        this.pcns = pcns;
    }

    @Get
    ModelAndView<Map<String, Object>> page() {
        return new ModelAndView<>("users", model(null, null));
    }

    @Post(consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<ModelAndView<Map<String, Object>>> create(@Body UserController.NewUser form, Authentication auth) {
        return panel(() -> {
            UserController.UserView created = users.create(form, CurrentUser.of(auth));
            return "Created " + created.username() + " (" + created.role() + ").";
        });
    }

    @Post(value = "/{id}/disable", consumes = MediaType.ALL)
    HttpResponse<ModelAndView<Map<String, Object>>> disable(@PathVariable long id, Authentication auth) {
        return panel(() -> "Disabled " + users.disable(id, CurrentUser.of(auth)).username() + "; their sessions have ended.");
    }

    @Post(value = "/{id}/enable", consumes = MediaType.ALL)
    HttpResponse<ModelAndView<Map<String, Object>>> enable(@PathVariable long id, Authentication auth) {
        return panel(() -> "Enabled " + users.enable(id, CurrentUser.of(auth)).username() + ".");
    }

    @Post(value = "/{id}/password-reset", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<ModelAndView<Map<String, Object>>> resetPassword(@PathVariable long id, @Body ResetForm form,
                                                                  Authentication auth) {
        return panel(() -> "Reset the password of " + users.resetPassword(id, form.password(), CurrentUser.of(auth))
                .username() + ": give them the temporary password; they must choose a new one when they log in.");
    }

    @Post(value = "/{id}/change", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<ModelAndView<Map<String, Object>>> change(@PathVariable long id, @Body UserController.UserChange form,
                                                           Authentication auth) {
        return panel(() -> {
            UserController.UserView changed = users.change(id, form, CurrentUser.of(auth));
            return "Changed " + changed.username() + " to " + changed.role()
                    + (changed.pcn() == null ? "" : " of " + changed.pcn()) + ".";
        });
    }

    private HttpResponse<ModelAndView<Map<String, Object>>> panel(Supplier<String> action) {
        try {
            return HttpResponse.ok(new ModelAndView<>("users :: panel", model(action.get(), null)));
        } catch (IllegalArgumentException | UserService.UnknownUser e) {
            return HttpResponse.ok(new ModelAndView<>("users :: panel", model(null, e.getMessage())));
        }
    }

    private Map<String, Object> model(String notice, String error) {
        Map<String, Object> model = new HashMap<>();
        model.put("users", users.list());
        model.put("pcns", pcns.findAllOrderByName());
        model.put("notice", notice);
        model.put("error", error);
        model.put("minLength", PasswordPolicy.MIN_LENGTH);
        return model;
    }

    @Serdeable
    record ResetForm(@Nullable String password) {
    }
}
