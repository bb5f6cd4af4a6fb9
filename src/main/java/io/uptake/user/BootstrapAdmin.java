package io.uptake.user;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.uptake.security.PasswordHasher;
import io.uptake.security.PasswordPolicy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * Creates the first ADMIN on an empty database. Its password comes from UPTAKE_ADMIN_PASSWORD, or is
 * generated and printed once, to the console only, because nobody could log in otherwise.
 */
@Singleton
public class BootstrapAdmin implements ApplicationEventListener<StartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(BootstrapAdmin.class);
    private final StaffUserRepository users;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final Clock clock;
    private final String configuredPassword;

    public BootstrapAdmin(StaffUserRepository users, PasswordHasher hasher, PasswordPolicy policy, Clock clock,
                          @Value("${uptake.admin-password:}") String configuredPassword) {
        this.users = users;
        this.hasher = hasher;
        this.policy = policy;
        this.clock = clock;
        this.configuredPassword = configuredPassword;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        if (users.existsByUsername("admin")) {
            return;
        }
        boolean generated = configuredPassword == null || configuredPassword.isBlank();
        if (!generated) {
            policy.checkConfigured("UPTAKE_ADMIN_PASSWORD", configuredPassword, "admin");
        }
        String password = generated ? policy.generate("admin") : configuredPassword;
        users.save(new StaffUser(null, "admin", hasher.hash(password), "ADMIN", null, clock.instant()));
        if (generated) {
            System.out.println("""

                    ==================================================================
                     Uptake: created the first user.  username: admin  password: %s
                     This is shown once. Set UPTAKE_ADMIN_PASSWORD to choose it instead.
                    ==================================================================
                    """.formatted(password));
        } else {
            LOG.info("Created user admin with the password from UPTAKE_ADMIN_PASSWORD");
        }
    }
}
