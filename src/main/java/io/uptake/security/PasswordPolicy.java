package io.uptake.security;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * NCSC password guidance: a minimum length, no password from the deny-list of the most common breached ones, and
 * nothing that contains the username. No complexity rules (they push people to "Password1!") and no expiry.
 * The deny-list is the NCSC's own top-100k list, shipped as versioned data (see security/README.md).
 */
@Singleton
public class PasswordPolicy {
    public static final int MIN_LENGTH = 12;
    /** bcrypt reads 72 bytes at most; longer passwords would be silently cut (and Spring refuses them). */
    static final int MAX_BYTES = 72;
    static final String DENY_LIST = "security/ncsc-pwned-passwords-top100k.txt";
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Set<String> denied;

    public PasswordPolicy(@Value("${uptake.password.deny-list:" + DENY_LIST + "}") String denyList) {
        this.denied = load(denyList, MIN_LENGTH);
    }

    /** Why {@code password} may not be {@code username}'s password, or empty when it may. */
    public Optional<String> problem(String username, String password) {
        return problem(username, password, denied);
    }

    /** Throws {@link IllegalArgumentException} naming the field when the password breaks the policy. */
    public void check(String field, String username, String password) {
        problem(username, password).ifPresent(p -> {
            throw new IllegalArgumentException(field + ": " + p);
        });
    }

    /**
     * A configured password (UPTAKE_ADMIN_PASSWORD, UPTAKE_DEMO_PASSWORD) for these users: the service refuses to
     * start with one the policy refuses, naming the variable.
     */
    public void checkConfigured(String variable, String password, String... usernames) {
        for (String username : usernames) {
            problem(username, password).ifPresent(p -> {
                throw new IllegalStateException(variable + " is refused by the password policy: " + p);
            });
        }
    }

    /** A random password (16 characters, 96 bits) that the policy accepts for every one of {@code usernames}. */
    public String generate(String... usernames) {
        while (true) {
            byte[] bytes = new byte[12];
            RANDOM.nextBytes(bytes);
            String candidate = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            boolean ok = true;
            for (String username : usernames) {
                ok &= problem(username, candidate).isEmpty();
            }
            if (ok) {
                return candidate;
            }
        }
    }

    /** The rule itself, pure: the first problem found, in the order a user would fix them. */
    static Optional<String> problem(String username, String password, Set<String> denied) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
            return Optional.of("at least " + MIN_LENGTH + " characters (a few unrelated words make a good one)");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return Optional.of("at most " + MAX_BYTES + " bytes (about 70 letters)");
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (username != null && !username.isBlank() && lower.contains(username.trim().toLowerCase(Locale.ROOT))) {
            return Optional.of("must not contain the username");
        }
        if (denied.contains(lower)) {
            return Optional.of("this is one of the most common passwords in breaches: choose another");
        }
        return Optional.empty();
    }

    /** The list's entries that are long enough to matter, lower-cased; the NCSC header lines are skipped. */
    static Set<String> load(String resource, int minLength) {
        Set<String> entries = new HashSet<>();
        try (InputStream in = PasswordPolicy.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Password deny-list " + resource + " is missing from the classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.startsWith("***") || line.codePointCount(0, line.length()) < minLength) {
                    continue;
                }
                entries.add(line.toLowerCase(Locale.ROOT));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(entries);
    }
}
