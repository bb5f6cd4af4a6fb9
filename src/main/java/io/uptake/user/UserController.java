package io.uptake.user;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.util.List;
import java.util.Map;

/** Staff accounts for ADMIN: create, list, disable, enable, reset a password, change a role or PCN. */
@Controller("/api/users")
@Secured(Role.ADMIN_NAME)
@ExecuteOn(TaskExecutors.BLOCKING)
class UserController {
    private final UserService users;

    UserController(UserService users) {
        this.users = users;
    }

    @Post
    HttpResponse<UserView> create(@Body NewUser body, Authentication auth) {
        return HttpResponse.created(users.create(body, CurrentUser.of(auth)));
    }

    @Get
    List<UserView> list() {
        return users.list();
    }

    /** The user cannot log in any more, and their sessions end at once. */
    @Post("/{id}/disable")
    UserView disable(@PathVariable long id, Authentication auth) {
        return users.disable(id, CurrentUser.of(auth));
    }

    @Post("/{id}/enable")
    UserView enable(@PathVariable long id, Authentication auth) {
        return users.enable(id, CurrentUser.of(auth));
    }

    /** {@code {"password"}}: a temporary password that the user must change at their next login. */
    @Post("/{id}/password-reset")
    UserView resetPassword(@PathVariable long id, @Body PasswordReset body, Authentication auth) {
        return users.resetPassword(id, body.password(), CurrentUser.of(auth));
    }

    /** {@code {"role","pcn"}}, either or both. */
    @Patch("/{id}")
    UserView change(@PathVariable long id, @Body UserChange body, Authentication auth) {
        return users.change(id, body, CurrentUser.of(auth));
    }

    @Error
    HttpResponse<Map<String, String>> invalid(IllegalArgumentException e) {
        return HttpResponse.badRequest(Map.of("message", e.getMessage()));
    }

    @Error
    HttpResponse<Map<String, String>> unknown(UserService.UnknownUser e) {
        return HttpResponse.<Map<String, String>>status(HttpStatus.NOT_FOUND).body(Map.of("message", e.getMessage()));
    }

    @Serdeable
    public record NewUser(String username, String password, String role, String pcn) {
    }

    @Serdeable
    record PasswordReset(@Nullable String password) {
    }

    @Serdeable
    record UserChange(@Nullable String role, @Nullable String pcn) {
    }

    @Serdeable
    public record UserView(long id, String username, String role, String pcn, boolean enabled,
                           boolean mustChangePassword) {
    }
}
