package io.uptake.demo;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.importing.ImportResult;
import io.uptake.importing.Importer;
import io.uptake.security.CurrentUser;
import io.uptake.security.PasswordHasher;
import io.uptake.security.PasswordPolicy;
import io.uptake.security.Role;
import io.uptake.user.PcnRepository;
import io.uptake.user.StaffUser;
import io.uptake.user.StaffUserRepository;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.function.Consumer;

/**
 * With {@code UPTAKE_DEMO=true}, fills an empty database with the synthetic "Demo PCN" (four practices,
 * about 3,000 patients, events relative to today) through the same import path as a user's files, and
 * creates a demo CCC and LEAD whose password is printed (or taken from {@code UPTAKE_DEMO_PASSWORD}).
 */
@Singleton
@Requires(property = "uptake.demo.enabled", value = "true")
public class DemoLoader implements ApplicationEventListener<StartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(DemoLoader.class);
    static final String CCC = "demo.ccc";
    static final String LEAD = "demo.lead";
    private final Importer importer;
    private final JdbcOperations jdbc;
    private final StaffUserRepository users;
    private final PcnRepository pcns;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final Clock clock;
    private final String configuredPassword;

    public DemoLoader(Importer importer, JdbcOperations jdbc, StaffUserRepository users, PcnRepository pcns,
                      PasswordHasher hasher, PasswordPolicy policy, Clock clock,
                      @Value("${uptake.demo.password:}") String configuredPassword) {
        this.importer = importer;
        this.jdbc = jdbc;
        this.users = users;
        this.pcns = pcns;
        this.hasher = hasher;
        this.policy = policy;
        this.clock = clock;
        this.configuredPassword = configuredPassword;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        if (hasPractices()) {
            return;
        }
        SyntheticDataset data = new SyntheticDataset(SyntheticDataset.demo(LocalDate.now(clock)));
        CurrentUser loader = new CurrentUser("demo-loader", Role.ADMIN, null);
        ImportResult practices = load("practices", data::writePracticesCsv, loader);
        ImportResult patients = load("patients", data::writePatientsCsv, loader);
        ImportResult events = load("events", data::writeEventsCsv, loader);
        long pcnId = pcns.findByName("Demo PCN").orElseThrow().id();
        boolean generated = configuredPassword == null || configuredPassword.isBlank();
        if (!generated) {
            policy.checkConfigured("UPTAKE_DEMO_PASSWORD", configuredPassword, CCC, LEAD);
        }
        String password = generated ? policy.generate(CCC, LEAD) : configuredPassword;
        createUser(CCC, Role.CCC, pcnId, password);
        createUser(LEAD, Role.LEAD, pcnId, password);
        LOG.info("Demo PCN loaded: {} practices, {} patients, {} events", practices.inserted(), patients.inserted(),
                events.inserted());
        System.out.println("""

                ==================================================================
                 Uptake demo: loaded "Demo PCN" (%d practices, %d patients, %d events).
                 Log in as %s (CCC) or %s (LEAD), password: %s
                 %s
                ==================================================================
                """.formatted(practices.inserted(), patients.inserted(), events.inserted(), CCC, LEAD,
                generated ? password : "(from UPTAKE_DEMO_PASSWORD)",
                generated ? "Shown once. Set UPTAKE_DEMO_PASSWORD to choose it instead." : ""));
    }

    @Transactional
    boolean hasPractices() {
        return jdbc.prepareStatement("SELECT EXISTS (SELECT 1 FROM practice)", ps -> {
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        });
    }

    private ImportResult load(String kind, Consumer<Writer> csv, CurrentUser loader) {
        try {
            Path file = Files.createTempFile("uptake-demo-" + kind, ".csv");
            try {
                try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                    csv.accept(w);
                }
                try (InputStream in = Files.newInputStream(file)) {
                    ImportResult result = importer.importCsv(kind, in, loader);
                    if (result.rejected() > 0) {
                        // The demo data is generated to be clean: a rejection here is a bug worth seeing at once.
                        throw new IllegalStateException("Demo " + kind + " import rejected " + result.rejected()
                                + " rows, first: " + result.errors().get(0));
                    }
                    return result;
                }
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void createUser(String username, Role role, long pcnId, String password) {
        if (!users.existsByUsername(username)) {
            users.save(new StaffUser(null, username, hasher.hash(password), role.name(), pcnId, clock.instant()));
        }
    }
}
