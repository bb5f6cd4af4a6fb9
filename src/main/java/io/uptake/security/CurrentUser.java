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

    /**
     * CCCs and ADMINs work with patients: imports, patient and cohort lists, messages, the inbox. A LEAD reads
     * campaigns and reports and changes no patient record (docs/roles.md). The menu and pages ask this; the
     * routes themselves are guarded by their {@code @Secured} roles.
     */
    public boolean worksWithPatients() {
        return role != Role.LEAD;
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
