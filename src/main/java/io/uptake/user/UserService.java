package io.uptake.user;

import io.micronaut.transaction.annotation.Transactional;
import io.uptake.audit.AuditLog;
import io.uptake.security.CurrentUser;
import io.uptake.security.PasswordHasher;
import io.uptake.security.PasswordPolicy;
import io.uptake.security.Role;
import io.uptake.security.StaffSessions;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Staff accounts: creating them, and the admin's changes (disable, enable, password reset, role or PCN), each
 * audited. Every change that alters what a user's token says or whether it should work ends their sessions.
 */
@Singleton
class UserService {
    private final StaffUserRepository users;
    private final PcnRepository pcns;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final StaffSessions sessions;
    private final AuditLog audit;
    private final Clock clock;

    UserService(StaffUserRepository users, PcnRepository pcns, PasswordHasher hasher, PasswordPolicy policy,
                StaffSessions sessions, AuditLog audit, Clock clock) {
        this.users = users;
        this.pcns = pcns;
        this.hasher = hasher;
        this.policy = policy;
        this.sessions = sessions;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    UserController.UserView create(UserController.NewUser u, CurrentUser by) {
        if (u.username() == null || !u.username().matches("[A-Za-z0-9._@-]{3,64}")) {
            throw new IllegalArgumentException("username: 3 to 64 letters, digits or . _ @ -");
        }
        policy.check("password", u.username(), u.password());
        Role role = role(u.role());
        Long pcnId = pcnFor(role, u.pcn());
        if (users.existsByUsername(u.username())) {
            throw new IllegalArgumentException("username: '" + u.username() + "' is taken");
        }
        StaffUser saved = users.save(new StaffUser(null, u.username(), hasher.hash(u.password()), role.name(), pcnId,
                clock.instant()));
        audit.record(by.username(), pcnId, "USER_CREATED", "user:" + saved.username(), "role=" + role);
        return view(saved, u.pcn() == null || u.pcn().isBlank() ? null : u.pcn().trim());
    }

    List<UserController.UserView> list() {
        Map<Long, String> names = pcnNames();
        return users.findAllOrderByUsername().stream().map(s -> view(s, names.get(s.pcnId()))).toList();
    }

    /** A disabled user cannot log in, and their sessions end at once. */
    @Transactional
    UserController.UserView disable(long id, CurrentUser by) {
        StaffUser user = find(id);
        if (user.username().equals(by.username())) {
            throw new IllegalArgumentException("user: you cannot disable yourself");
        }
        if (!user.disabled()) {
            keepAnAdmin(user, "disable");
            users.updateDisabledAt(user.id(), clock.instant());
            int ended = sessions.endAllOf(user.username());
            audit.record(by.username(), user.pcnId(), "USER_DISABLED", "user:" + user.username(), "sessions ended=" + ended);
        }
        return view(find(id));
    }

    @Transactional
    UserController.UserView enable(long id, CurrentUser by) {
        StaffUser user = find(id);
        if (user.disabled()) {
            users.updateDisabledAt(user.id(), null);
            audit.record(by.username(), user.pcnId(), "USER_ENABLED", "user:" + user.username(), null);
        }
        return view(find(id));
    }

    /**
     * Sets a temporary password the user must change at their next login; ends their sessions. The admin gives
     * the password to the user; it is never logged or audited.
     */
    @Transactional
    UserController.UserView resetPassword(long id, String temporaryPassword, CurrentUser by) {
        StaffUser user = find(id);
        policy.check("password", user.username(), temporaryPassword);
        users.updatePasswordHashAndMustChangePassword(user.id(), hasher.hash(temporaryPassword), true);
        int ended = sessions.endAllOf(user.username());
        audit.record(by.username(), user.pcnId(), "USER_PASSWORD_RESET", "user:" + user.username(),
                "must change at next login; sessions ended=" + ended);
        return view(find(id));
    }

    /** A new role or PCN; the user's sessions end, since their tokens name the old ones. */
    @Transactional
    UserController.UserView change(long id, UserController.UserChange change, CurrentUser by) {
        StaffUser user = find(id);
        Role role = change.role() == null || change.role().isBlank() ? Role.valueOf(user.role()) : role(change.role());
        Long pcnId;
        if (role == Role.ADMIN) {
            pcnId = null;
        } else if (change.pcn() == null || change.pcn().isBlank()) {
            pcnId = Optional.ofNullable(user.pcnId()).orElseThrow(() -> new IllegalArgumentException(
                    "pcn: required for " + role + " (the PCN name as in the practices file)"));
        } else {
            pcnId = pcnFor(role, change.pcn());
        }
        if (role.name().equals(user.role()) && java.util.Objects.equals(pcnId, user.pcnId())) {
            return view(user);
        }
        if (role != Role.ADMIN) {
            keepAnAdmin(user, "change the role of");
        }
        users.updateRoleAndPcnId(user.id(), role.name(), pcnId);
        int ended = sessions.endAllOf(user.username());
        Map<Long, String> names = pcnNames();
        audit.record(by.username(), pcnId != null ? pcnId : user.pcnId(), "USER_CHANGED", "user:" + user.username(), "role " + user.role() + " -> " + role
                + ", pcn " + names.get(user.pcnId()) + " -> " + names.get(pcnId) + ", sessions ended=" + ended);
        return view(find(id));
    }

    /**
     * The user's own change, with their current password: required after a reset, allowed any time. Ends all
     * their sessions (the caller gets a new one).
     */
    @Transactional
    StaffUser changeOwnPassword(String username, String currentPassword, String newPassword) {
        StaffUser user = users.findByUsername(username).orElseThrow(() -> new IllegalArgumentException("user: unknown"));
        if (!hasher.matches(currentPassword, user.passwordHash())) {
            throw new IllegalArgumentException("currentPassword: that is not your current password");
        }
        policy.check("newPassword", user.username(), newPassword);
        if (hasher.matches(newPassword, user.passwordHash())) {
            throw new IllegalArgumentException("newPassword: choose a password different from the current one");
        }
        users.updatePasswordHashAndMustChangePassword(user.id(), hasher.hash(newPassword), false);
        sessions.endAllOf(user.username());
        audit.record(user.username(), user.pcnId(), "PASSWORD_CHANGED", "user:" + user.username(), null);
        return find(user.id());
    }

    /** There must always be an enabled ADMIN left, or nobody could manage users again. */
    private void keepAnAdmin(StaffUser user, String what) {
        if (Role.ADMIN.name().equals(user.role()) && !user.disabled()
                && users.countByRoleAndDisabledAtIsNull(Role.ADMIN.name()) <= 1) {
            throw new IllegalArgumentException("user: cannot " + what + " the last enabled ADMIN");
        }
    }

    private StaffUser find(long id) {
        return users.findById(id).orElseThrow(() -> new UnknownUser(id));
    }

    private static Role role(String name) {
        try {
            return Role.valueOf(String.valueOf(name).trim().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("role: one of ADMIN, LEAD, CCC");
        }
    }

    private Long pcnFor(Role role, String pcn) {
        if (role == Role.ADMIN) {
            return null;
        }
        if (pcn == null || pcn.isBlank()) {
            throw new IllegalArgumentException("pcn: required for " + role + " (the PCN name as in the practices file)");
        }
        return pcns.findByName(pcn.trim()).map(Pcn::id)
                .orElseThrow(() -> new IllegalArgumentException("pcn: no PCN named '" + pcn.trim()
                        + "'; import its practices first"));
    }

    private Map<Long, String> pcnNames() {
        return pcns.findAllOrderByName().stream().collect(Collectors.toMap(Pcn::id, Pcn::name));
    }

    private UserController.UserView view(StaffUser s) {
        return view(s, s.pcnId() == null ? null : pcnNames().get(s.pcnId()));
    }

    private static UserController.UserView view(StaffUser s, String pcn) {
        return new UserController.UserView(s.id(), s.username(), s.role(), pcn, !s.disabled(), s.mustChangePassword());
    }

    /** No user with that id: 404. */
    static final class UnknownUser extends RuntimeException {
        UnknownUser(long id) {
            super("No user " + id);
        }
    }
}
