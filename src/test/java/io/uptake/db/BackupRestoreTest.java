package io.uptake.db;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.uptake.optout.OptOutLedger;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.CampaignRows;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import io.uptake.testsupport.Json;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --backup} taken while the service runs (and writes), then {@code --restore} with the service stopped:
 * the service starts on the restored database with the patients, campaigns, opt-outs and users of the backup,
 * and none of what was written after it. The same code as the command line's, with PostgreSQL's pg_dump and
 * pg_restore (the client tools must be installed, as README says).
 */
class BackupRestoreTest {
    private final Path backup = Path.of("target", "backup-" + UUID.randomUUID().toString().substring(0, 8), "uptake.dump")
            .toAbsolutePath();

    record Snapshot(List<String> patients, List<String> campaigns, List<String> optedOut, List<String> users) {
    }

    @Test
    void aBackupTakenWhileTheServiceRunsRestoresToAWorkingService() throws Exception {
        Files.createDirectories(backup.getParent());
        Snapshot backedUp;
        Path dataDir;
        try (EmbeddedServer service = ApplicationContext.builder().environments("test").run(EmbeddedServer.class);
             HttpClient client = HttpClient.create(service.getURL())) {
            DataSource db = service.getApplicationContext().getBean(DataSource.class);
            Database.reset(db);
            Rows rows = new Rows(db);
            CampaignRows campaigns = new CampaignRows(db, service.getApplicationContext().getBean(Clock.class));
            long pcn = rows.pcnNamed("Backup PCN");
            rows.practice("B00001", "Backup Practice", pcn);
            List<Long> patients = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                patients.add(rows.patient("B00001").mobile(Rows.mobile(500 + i)).insert());
            }
            OptOutLedger ledger = service.getApplicationContext().getBean(OptOutLedger.class);
            ledger.forPatient(patients.get(0), OptOutLedger.Action.OPT_OUT, OptOutLedger.Source.CCC_PHONE, null, "test");
            campaign(campaigns, pcn, "Backed-up campaign");
            new Api(client.toBlocking()).user("ccc.backup", "CCC", "Backup PCN");
            backedUp = snapshot(db);

            // The service keeps writing while pg_dump reads its snapshot.
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writer = new Thread(() -> {
                while (writing.get()) {
                    rows.execute("INSERT INTO pcn (name, created_at) VALUES (?, now())", "Busy " + UUID.randomUUID());
                }
            });
            writer.start();
            try {
                dataDir = EmbeddedDatabase.dataDir();
                Backups.backup(dataDir, backup);
                assertThat(Files.getPosixFilePermissions(backup)).as("a backup holds patient data")
                        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } finally {
                writing.set(false);
                writer.join();
            }

            // Written after the backup: the restore takes it away.
            rows.patient("B00001").mobile(Rows.mobile(510)).insert();
            ledger.forPatient(patients.get(1), OptOutLedger.Action.OPT_OUT, OptOutLedger.Source.CCC_PHONE, null, "test");
            campaign(campaigns, pcn, "Campaign after the backup");
            assertThat(snapshot(db)).isNotEqualTo(backedUp);
        }
        EmbeddedDatabase.stop();

        Backups.restore(dataDir, backup);

        try (EmbeddedServer service = ApplicationContext.builder().environments("test").run(EmbeddedServer.class);
             HttpClient client = HttpClient.create(service.getURL())) {
            DataSource db = service.getApplicationContext().getBean(DataSource.class);
            assertThat(snapshot(db)).isEqualTo(backedUp);
            Api api = new Api(client.toBlocking());
            String ccc = api.login("ccc.backup", Api.USER_PASSWORD);
            List<Map<String, Object>> campaigns = client.toBlocking().retrieve(HttpRequest.GET("/api/campaigns").bearerAuth(ccc),
                    Json.OBJECTS);
            assertThat(campaigns).extracting(c -> c.get("name")).containsExactly("Backed-up campaign");
            // Restored as the service's role: it owns what it restored, and keeps writing.
            try (Connection c = Database.raw(db).getConnection(); var st = c.createStatement();
                 var rs = st.executeQuery("""
                         SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace
                         AND relowner <> 'uptake'::regrole""")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
            new Api(client.toBlocking()).user("ccc.after-restore", "CCC", "Backup PCN");
        }
        Files.deleteIfExists(backup);
        Files.deleteIfExists(backup.getParent());
    }

    /** A scheduled campaign, not launched yet. */
    private static void campaign(CampaignRows campaigns, long pcn, String name) {
        campaigns.campaign(pcn).name(name).status("SCHEDULED").attributionDays(90).notLaunched().insert();
    }

    private static Snapshot snapshot(DataSource db) throws SQLException {
        return new Snapshot(
                list(db, "SELECT nhs_number || ' ' || mobile FROM patient ORDER BY 1"),
                list(db, "SELECT name || ' ' || status FROM campaign ORDER BY 1"),
                list(db, "SELECT p.nhs_number FROM opted_out_patient o JOIN patient p ON p.id = o.patient_id ORDER BY 1"),
                list(db, "SELECT username || ' ' || role FROM app_user ORDER BY 1"));
    }

    private static List<String> list(DataSource db, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = Database.raw(db).getConnection(); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
