package io.uptake.user;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.util.List;

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
        try {
            return HttpResponse.created(users.create(body, CurrentUser.of(auth)));
        } catch (IllegalArgumentException e) {
            throw new HttpStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
    }

    @Get
    List<UserView> list() {
        return users.list();
    }

    @Serdeable
    public record NewUser(String username, String password, String role, String pcn) {
    }

    @Serdeable
    public record UserView(long id, String username, String role, String pcn) {
    }
}
