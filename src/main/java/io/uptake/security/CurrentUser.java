package io.uptake.security;

import io.micronaut.security.authentication.Authentication;

/**
 * Who is calling, and which PCN they may see. {@code pcnId} is null only for ADMIN, who sees all.
 * Every query of patient data takes {@link #pcnScope()} so that scoping cannot be forgotten.
 */
public record CurrentUser(String username, Role role, Long pcnId) {

    public static CurrentUser of(Authentication authentication) {
        Role role = authentication.getRoles().stream().findFirst().map(Role::valueOf).orElseThrow();
        Object pcn = authentication.getAttributes().get("pcnId");
        Long pcnId = pcn instanceof Number n ? n.longValue() : pcn == null ? null : Long.valueOf(pcn.toString());
        return new CurrentUser(authentication.getName(), role, pcnId);
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** The PCN to filter by, or null for an ADMIN, who is not restricted. */
    public Long pcnScope() {
        return isAdmin() ? null : pcnId;
    }

    /** True when this user may see data of {@code otherPcnId}. */
    public boolean canSee(long otherPcnId) {
        return isAdmin() || (pcnId != null && pcnId == otherPcnId);
    }
}
