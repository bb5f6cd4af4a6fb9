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
import io.micronaut.views.ModelAndView;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.util.HashMap;
import java.util.Map;

/** The admin's page for staff accounts: the same rules as POST /api/users. */
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

    /** htmx posts the form here and swaps the whole panel with the result. */
    @Post(consumes = MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<ModelAndView<Map<String, Object>>> create(@Body UserController.NewUser form, Authentication auth) {
        try {
            UserController.UserView created = users.create(form, CurrentUser.of(auth));
            return HttpResponse.ok(new ModelAndView<>("users :: panel",
                    model("Created " + created.username() + " (" + created.role() + ").", null)));
        } catch (IllegalArgumentException e) {
            return HttpResponse.ok(new ModelAndView<>("users :: panel", model(null, e.getMessage())));
        }
    }

    private Map<String, Object> model(String notice, String error) {
        Map<String, Object> model = new HashMap<>();
        model.put("users", users.list());
        model.put("pcns", pcns.findAllOrderByName());
        model.put("notice", notice);
        model.put("error", error);
        return model;
    }
}
