package io.uptake.user;

import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.generator.TokenGenerator;
import io.uptake.audit.AuditLog;
import io.uptake.security.CurrentUser;
import io.uptake.security.LoginThrottle;
import io.uptake.security.PasswordChangeGate;
import io.uptake.security.PasswordHasher;
import io.uptake.security.StaffSessions;
import jakarta.inject.Singleton;

import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Logging in and out, for the API ({@code POST /login}, {@code POST /logout}) and the pages alike: the throttle,
 * the password check, the session row behind the token, and the audit trail (with the client's address).
 */
@Singleton
public class Login {
    private final StaffUserRepository users;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final StaffSessions sessions;
    private final TokenGenerator tokens;
    private final AuditLog audit;
    /**
     * Checked for unknown usernames, so that they take as long as real ones (a bcrypt check): otherwise the
     * answer's speed tells which usernames exist.
     */
    private final String dummyHash;

    Login(StaffUserRepository users, PasswordHasher hasher, LoginThrottle throttle, StaffSessions sessions,
          TokenGenerator tokens, AuditLog audit) {
        this.users = users;
        this.hasher = hasher;
        this.throttle = throttle;
        this.sessions = sessions;
        this.tokens = tokens;
        this.audit = audit;
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        this.dummyHash = hasher.hash(Base64.getEncoder().encodeToString(random));
    }

    /** {@code channel} is "api" or "ui", for the audit log. */
    public LoginOutcome attempt(String username, String password, String address, String channel) {
        String name = username == null ? "" : username.trim();
        Optional<Duration> wait = throttle.admit(name, address);
        if (wait.isPresent()) {
            return new LoginOutcome.Throttled(Math.max(1, (wait.get().toMillis() + 999) / 1000));
        }
        Optional<StaffUser> user = name.isEmpty() ? Optional.empty() : users.findByUsername(name);
        boolean matches = hasher.matches(password == null ? "" : password,
                user.map(StaffUser::passwordHash).orElse(dummyHash));
        if (user.isEmpty()) {
            audit.record("(unknown)", null, "LOGIN_FAILED", channel, "address=" + address + "; unknown username");
            return new LoginOutcome.Refused();
        }
        StaffUser u = user.get();
        if (!matches || u.disabled()) {
            audit.record(u.username(), u.pcnId(), "LOGIN_FAILED", channel,
                    "address=" + address + "; " + (matches ? "account disabled" : "wrong password"));
            return new LoginOutcome.Refused();
        }
        throttle.succeeded(name, address);
        throttle.purge();
        sessions.purge();
        LoginOutcome.Success success = startSession(u);
        audit.record(u.username(), u.pcnId(), "LOGIN", channel, "address=" + address);
        return success;
    }

    /** A new session and its token for {@code user} (at login, and after a password change). */
    public LoginOutcome.Success startSession(StaffUser user) {
        Map<String, Object> attributes = new HashMap<>();
        if (user.pcnId() != null) {
            attributes.put("pcnId", user.pcnId());
        }
        if (user.mustChangePassword()) {
            attributes.put(PasswordChangeGate.PASSWORD_CHANGE_CLAIM, true);
        }
        Authentication auth = Authentication.build(user.username(), List.of(user.role()), attributes);
        long lifetime = sessions.lifetime().toSeconds();
        String token = tokens.generateToken(auth, (int) lifetime)
                .orElseThrow(() -> new IllegalStateException("No token generator configured"));
        sessions.start(jtiOf(token), user.username());
        return new LoginOutcome.Success(token, lifetime, user.username(), user.role(), user.mustChangePassword());
    }

    /** Ends the session the request was authenticated with; the token (bearer or cookie) stops working at once. */
    public void logout(Authentication auth, String address, String channel) {
        Object jti = auth.getAttributes().get("jti");
        if (jti != null) {
            sessions.end(jti.toString());
        }
        CurrentUser user = CurrentUser.of(auth);
        audit.record(user.username(), user.pcnId(), "LOGOUT", channel, "address=" + address);
    }

    private static String jtiOf(String token) {
        try {
            String jti = com.nimbusds.jwt.JWTParser.parse(token).getJWTClaimsSet().getJWTID();
            if (jti == null) {
                throw new IllegalStateException("Tokens carry no jti: is a JtiGenerator bean missing?");
            }
            return jti;
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
