package io.uptake.user;

import io.micronaut.transaction.annotation.Transactional;
import io.uptake.audit.AuditLog;
import io.uptake.security.CurrentUser;
import io.uptake.security.PasswordHasher;
import io.uptake.security.Role;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

@Singleton
class UserService {
    static final int MIN_PASSWORD_LENGTH = 10;
    private final StaffUserRepository users;
    private final PcnRepository pcns;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final Clock clock;

    UserService(StaffUserRepository users, PcnRepository pcns, PasswordHasher hasher, AuditLog audit, Clock clock) {
        this.users = users;
        this.pcns = pcns;
        this.hasher = hasher;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    UserController.UserView create(UserController.NewUser u, CurrentUser by) {
        if (u.username() == null || !u.username().matches("[A-Za-z0-9._@-]{3,64}")) {
            throw new IllegalArgumentException("username: 3 to 64 letters, digits or . _ @ -");
        }
        if (u.password() == null || u.password().length() < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("password: at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        Role role;
        try {
            role = Role.valueOf(String.valueOf(u.role()).toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("role: one of ADMIN, LEAD, CCC");
        }
        Long pcnId = null;
        if (role != Role.ADMIN) {
            if (u.pcn() == null || u.pcn().isBlank()) {
                throw new IllegalArgumentException("pcn: required for " + role + " (the PCN name as in the practices file)");
            }
            pcnId = pcns.findByName(u.pcn().trim()).map(Pcn::id)
                    .orElseThrow(() -> new IllegalArgumentException("pcn: no PCN named '" + u.pcn().trim()
                            + "'; import its practices first"));
        }
        if (users.existsByUsername(u.username())) {
            throw new IllegalArgumentException("username: '" + u.username() + "' is taken");
        }
        StaffUser saved = users.save(new StaffUser(null, u.username(), hasher.hash(u.password()), role.name(), pcnId,
                clock.instant()));
        audit.record(by, "USER_CREATED", "user:" + saved.username(), "role=" + role);
        return new UserController.UserView(saved.id(), saved.username(), saved.role(), u.pcn());
    }

    List<UserController.UserView> list() {
        Map<Long, String> names = pcns.findAllOrderByName().stream()
                .collect(Collectors.toMap(Pcn::id, Pcn::name));
        return users.findAllOrderByUsername().stream()
                .map(s -> new UserController.UserView(s.id(), s.username(), s.role(),
                        s.pcnId() == null ? null : names.get(s.pcnId())))
                .toList();
    }
}
