package io.uptake.user;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A user changes their own password ({@code {"currentPassword","newPassword"}}): the only call open to a user whose
 * password was reset. All their sessions end; the answer carries a new access_token.
 */
@Controller("/api/me/password")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
class PasswordController {
    private final UserService users;
    private final Login login;

    PasswordController(UserService users, Login login) {
        this.users = users;
        this.login = login;
    }

    @Post
    Map<String, Object> change(@Body PasswordChange body, Authentication auth) {
        StaffUser user = users.changeOwnPassword(auth.getName(), body.currentPassword(), body.newPassword());
        LoginOutcome.Success session = login.startSession(user);
        Map<String, Object> token = new LinkedHashMap<>();
        token.put("message", "Password changed; your other sessions have ended.");
        token.put("access_token", session.accessToken());
        token.put("token_type", "Bearer");
        token.put("expires_in", session.expiresInSeconds());
        return token;
    }

    @Error
    HttpResponse<Map<String, String>> invalid(IllegalArgumentException e) {
        return HttpResponse.badRequest(Map.of("message", e.getMessage()));
    }

    @Serdeable
    record PasswordChange(@Nullable String currentPassword, @Nullable String newPassword) {
    }
}
