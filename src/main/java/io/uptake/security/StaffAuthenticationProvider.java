package io.uptake.security;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.AuthenticationFailureReason;
import io.micronaut.security.authentication.AuthenticationRequest;
import io.micronaut.security.authentication.AuthenticationResponse;
import io.micronaut.security.authentication.provider.HttpRequestExecutorAuthenticationProvider;
import io.uptake.user.StaffUser;
import io.uptake.user.StaffUserRepository;
import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Checks a username and password against app_user; used by POST /login and the login page. */
@Singleton
public class StaffAuthenticationProvider<B> implements HttpRequestExecutorAuthenticationProvider<B> {
    private final StaffUserRepository users;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;

    public StaffAuthenticationProvider(StaffUserRepository users, PasswordHasher hasher, LoginThrottle throttle) {
        this.users = users;
        this.hasher = hasher;
        this.throttle = throttle;
    }

    @Override
    public AuthenticationResponse authenticate(@Nullable HttpRequest<B> request,
                                               AuthenticationRequest<String, String> auth) {
        String username = auth.getIdentity();
        if (throttle.isLocked(username)) {
            return AuthenticationResponse.failure("Too many failed logins: try again in a few minutes.");
        }
        Optional<StaffUser> user = users.findByUsername(username);
        if (user.isEmpty() || !hasher.matches(auth.getSecret(), user.get().passwordHash())) {
            throttle.failed(username);
            return AuthenticationResponse.failure(AuthenticationFailureReason.CREDENTIALS_DO_NOT_MATCH);
        }
        throttle.succeeded(username);
        StaffUser u = user.get();
        Map<String, Object> attributes = new HashMap<>();
        if (u.pcnId() != null) {
            attributes.put("pcnId", u.pcnId());
        }
        return AuthenticationResponse.success(u.username(), List.of(u.role()), attributes);
    }
}
