package io.uptake.security;

import jakarta.inject.Singleton;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

@Singleton
public class PasswordHasher {
    /** bcrypt's work factor for staff passwords: OWASP's minimum for bcrypt (Password Storage Cheat Sheet). */
    static final int STRENGTH = 10;
    /**
     * The tests' switch for a cheap work factor (4): a system property only, set by the build's test runner (pom.xml,
     * surefire), never read from the environment or a configuration file, so the service cannot run with it by
     * accident; the child JVMs of the crash tests run without it. About a third of a login-heavy test class's time
     * went on bcrypt at 10 (82 ms a check on the 2-core machine, and a test user costs three).
     */
    static final String TEST_SWITCH = "uptake.test.fast-password-hashing";
    static final int TEST_STRENGTH = 4;

    private final int strength = strength(Boolean.getBoolean(TEST_SWITCH));
    private final BCryptPasswordEncoder encoder = new BCryptPasswordEncoder(strength);

    static int strength(boolean testSwitch) {
        return testSwitch ? TEST_STRENGTH : STRENGTH;
    }

    /** The start of every hash this hasher makes ({@code $2a$10$} in service): a stored hash states its own cost. */
    public String hashPrefix() {
        return "$2a$%02d$".formatted(strength);
    }

    public String hash(String password) {
        return encoder.encode(password);
    }

    /** Checks against the hash's own work factor, so a hash made at another strength still matches. */
    public boolean matches(String password, String hash) {
        return password != null && hash != null && encoder.matches(password, hash);
    }
}
