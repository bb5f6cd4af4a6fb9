package io.uptake.security;

public enum Role {
    ADMIN, LEAD, CCC;

    public static final String ADMIN_NAME = "ADMIN";
    public static final String LEAD_NAME = "LEAD";
    public static final String CCC_NAME = "CCC";
}
