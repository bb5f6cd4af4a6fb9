package io.uptake.user;

import io.micronaut.core.annotation.Creator;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.MappedProperty;

import java.time.Instant;

@MappedEntity("app_user")
public record StaffUser(
        @Id @GeneratedValue Long id,
        String username,
        @MappedProperty("password_hash") String passwordHash,
        String role,
        @Nullable @MappedProperty("pcn_id") Long pcnId,
        @MappedProperty("created_at") Instant createdAt,
        @Nullable @MappedProperty("disabled_at") Instant disabledAt,
        @MappedProperty("must_change_password") boolean mustChangePassword) {

    @Creator
    public StaffUser {
    }

    /** A new, enabled user whose password needs no change. */
    public StaffUser(Long id, String username, String passwordHash, String role, Long pcnId, Instant createdAt) {
        this(id, username, passwordHash, role, pcnId, createdAt, null, false);
    }

    public boolean disabled() {
        return disabledAt != null;
    }
}
