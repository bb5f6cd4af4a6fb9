package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.CampaignRows;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.NhsNumbers;
import io.uptake.testsupport.Rows;
import io.uptake.testsupport.TestClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A later import through the real import API that marks a patient dead (a DECEASED event), or registers them with
 * another PCN's practice, cancels their pending texts and letters in open campaigns in the same commit, with the
 * reason, so that the campaign's message list shows it at once (hazard H-007). A move within the PCN, and texts
 * that already went, are left alone.
 */
@MicronautTest(transactional = false)
@ManualDispatch
@Property(name = TestClock.START, value = "2026-03-02T09:00:00Z")
@Property(name = "uptake.campaign.throttle.messages-per-second", value = "0")
class ImportStopsPendingTextsTest {
    static final String PRACTICES = """
            practice_code,name,phone,pcn
            Y00001,Moss Side Health Centre,0161 496 0001,North PCN
            Y00002,Rusholme Surgery,0161 496 0002,North PCN
            Y00003,Gorton Medical Practice,0161 496 0003,South PCN
            """;
    static final String PATIENTS = "nhs_number,given_name,family_name,date_of_birth,sex,mobile,practice_code\n";

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    TestClock clock;

    BlockingHttpClient http;
    Rows rows;
    CampaignRows campaigns;
    String admin;
    String ccc;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        http = client.toBlocking();
        rows = new Rows(dataSource);
        campaigns = new CampaignRows(dataSource, clock);
        Api api = new Api(http);
        admin = api.adminToken();
        post("practices", PRACTICES, admin);
        ccc = api.user("ccc.north", "CCC", "North PCN");
    }

    @Test
    void aDeathOrAMoveToAnotherPcnImportedLaterCancelsTheirPendingTextsWithTheReason() {
        String dies = NhsNumbers.next(), leaves = NhsNumbers.next(), moves = NhsNumbers.next();
        post("patients", PATIENTS
                + dies + ",Dora,Dies,1960-01-01,F,07700 900101,Y00001\n"
                + leaves + ",Len,Leaves,1960-01-01,M,07700 900102,Y00001\n"
                + moves + ",Mo,Moves,1960-01-01,M,07700 900103,Y00001\n", ccc);
        long north = rows.queryLong("SELECT id FROM pcn WHERE name = 'North PCN'");
        long campaign = campaigns.campaign(north).name("FIT reminders").insert();
        long finished = campaigns.campaign(north).name("Done").status("COMPLETED").insert();
        long invitationSent = 0;
        for (String nhs : List.of(dies, leaves, moves)) {
            long patient = rows.queryLong("SELECT id FROM patient WHERE nhs_number = ?", nhs);
            long recipient = campaigns.recipient(campaign, patient).insert();
            long first = campaigns.message(campaign, recipient, patient).wave(1).status("SENT")
                    .sentAt(clock.instant().minus(Duration.ofDays(3))).insert();
            if (nhs.equals(dies)) {
                invitationSent = first;
            }
            campaigns.message(campaign, recipient, patient).wave(2).insert(); // PENDING, due now
            long done = campaigns.recipient(finished, patient).insert();
            campaigns.message(finished, done, patient).wave(1).insert(); // a closed campaign's: not ours to touch
        }
        long letter = rows.queryLong("""
                INSERT INTO letter (campaign_id, patient_id, wave, template_key, arm, language, status, due_at,
                                    created_at, updated_at)
                SELECT ?, id, 3, 'letter', 'LETTER', 'en', 'PENDING', now(), now(), now() FROM patient
                WHERE nhs_number = ? RETURNING id""", campaign, dies);

        post("events", "nhs_number,event_date,event_type\n" + dies + ",2026-02-27,DECEASED\n", ccc);

        assertThat(reasons(campaign)).containsExactlyInAnyOrderEntriesOf(Map.of(
                dies + "/1", "SENT/", dies + "/2", "CANCELLED/patient deceased",
                dies + "/3", "CANCELLED/patient deceased", // the letter wave, in the same list
                leaves + "/1", "SENT/", leaves + "/2", "PENDING/",
                moves + "/1", "SENT/", moves + "/2", "PENDING/"));
        assertThat(rows.queryString("SELECT status || '/' || reason FROM letter WHERE id = ?", letter))
                .isEqualTo("CANCELLED/patient deceased");
        assertThat(rows.queryString("SELECT status FROM message WHERE id = ?", invitationSent)).isEqualTo("SENT");

        // The ADMIN imports Len's registration with a South PCN practice, and Mo's with another North practice.
        post("patients", PATIENTS
                + leaves + ",Len,Leaves,1960-01-01,M,07700 900102,Y00003\n"
                + moves + ",Mo,Moves,1960-01-01,M,07700 900103,Y00002\n", admin);

        assertThat(reasons(campaign)).containsEntry(leaves + "/2", "CANCELLED/no longer registered at the practice")
                .containsEntry(moves + "/2", "PENDING/")
                .containsEntry(dies + "/2", "CANCELLED/patient deceased");
        assertThat(rows.queryLong("SELECT count(*) FROM message WHERE campaign_id = ? AND status = 'PENDING'", finished))
                .isEqualTo(3);
        assertThat(rows.queryLong("""
                SELECT count(*) FROM message WHERE campaign_id = ? AND status = 'CANCELLED' AND status_at = ?""",
                campaign, Timestamp.from(clock.instant()))).isEqualTo(2);
        assertThat(rows.queryLong("SELECT count(*) FROM audit_log WHERE action = 'CANCEL_TEXTS'")).isEqualTo(2);
    }

    /** A practice import that moves a whole practice to another PCN stops its patients' texts and letters at once. */
    @Test
    void aPracticeImportThatMovesAPracticeToAnotherPcnCancelsItsPatientsPendingTextsAndLetters() {
        String stays = NhsNumbers.next(), movesWithPractice = NhsNumbers.next();
        post("patients", PATIENTS
                + stays + ",Sam,Stays,1960-01-01,M,07700 900104,Y00001\n"
                + movesWithPractice + ",Pat,Practice,1960-01-01,M,07700 900105,Y00002\n", ccc);
        long north = rows.queryLong("SELECT id FROM pcn WHERE name = 'North PCN'");
        long campaign = campaigns.campaign(north).name("FIT reminders").insert();
        for (String nhs : List.of(stays, movesWithPractice)) {
            long patient = rows.queryLong("SELECT id FROM patient WHERE nhs_number = ?", nhs);
            long recipient = campaigns.recipient(campaign, patient).insert();
            campaigns.message(campaign, recipient, patient).wave(1).insert(); // PENDING, due now
        }
        long letter = rows.queryLong("""
                INSERT INTO letter (campaign_id, patient_id, wave, template_key, arm, language, status, due_at,
                                    created_at, updated_at)
                SELECT ?, id, 2, 'letter', 'LETTER', 'en', 'PENDING', now(), now(), now() FROM patient
                WHERE nhs_number = ? RETURNING id""", campaign, movesWithPractice);

        // Rusholme Surgery joins South PCN.
        post("practices", "practice_code,name,phone,pcn\nY00002,Rusholme Surgery,0161 496 0002,South PCN\n", admin);

        assertThat(reasons(campaign)).containsEntry(movesWithPractice + "/1", "CANCELLED/no longer registered at the practice")
                .containsEntry(stays + "/1", "PENDING/");
        assertThat(rows.queryString("SELECT status || '/' || reason FROM letter WHERE id = ?", letter))
                .isEqualTo("CANCELLED/no longer registered at the practice");
        assertThat(rows.queryLong("SELECT count(*) FROM audit_log WHERE action = 'CANCEL_TEXTS' AND target = 'practices'"))
                .isEqualTo(1);
        assertThat(rows.queryLong("SELECT count(*) FROM audit_log WHERE action = 'CANCEL_LETTERS' AND target = 'practices'"))
                .isEqualTo(1);
    }

    @Test
    void aClaimInBetweenStopsATextToAPatientRegisteredWithAnotherPcn() throws Exception {
        String nhs = NhsNumbers.next();
        post("patients", PATIENTS + nhs + ",Len,Leaves,1960-01-01,M,07700 900102,Y00001\n", ccc);
        long north = rows.queryLong("SELECT id FROM pcn WHERE name = 'North PCN'");
        long campaign = campaigns.campaign(north).insert();
        long patient = rows.queryLong("SELECT id FROM patient WHERE nhs_number = ?", nhs);
        long recipient = campaigns.recipient(campaign, patient).insert();
        // Moved behind the import's back (as by an import that ran while this text was already claimed).
        rows.execute("UPDATE patient SET practice_code = 'Y00003' WHERE id = ?", patient);
        long message = campaigns.message(campaign, recipient, patient).wave(1).insert();
        dispatcher.dispatchOnce("import-stops-test");
        assertThat(campaigns.state(message).status()).isEqualTo("CANCELLED");
        assertThat(campaigns.state(message).reason()).isEqualTo("no longer registered at the practice");
    }

    @Inject
    Dispatcher dispatcher;

    /** "nhs/wave" to "STATUS/reason" for the campaign's messages, as the CCC's message list answers them. */
    @SuppressWarnings("unchecked")
    private Map<String, String> reasons(long campaign) {
        Map<String, Object> page = http.retrieve(HttpRequest.GET("/api/campaigns/" + campaign + "/messages")
                .bearerAuth(ccc), Argument.mapOf(String.class, Object.class));
        Map<String, String> out = new java.util.HashMap<>();
        for (Map<String, Object> m : (List<Map<String, Object>>) page.get("messages")) {
            out.put(m.get("nhsNumber") + "/" + m.get("wave"),
                    m.get("status") + "/" + (m.get("reason") == null ? "" : m.get("reason")));
        }
        return out;
    }

    private void post(String kind, String body, String token) {
        HttpResponse<Map<String, Object>> response = http.exchange(Api.csv(HttpRequest.POST("/api/imports/" + kind,
                body.getBytes(StandardCharsets.UTF_8))).bearerAuth(token), Argument.mapOf(String.class, Object.class));
        assertThat(response.getStatus().getCode()).isEqualTo(200);
        assertThat(((Number) response.body().get("rejected")).longValue()).as(kind + " rejected: " + response.body())
                .isZero();
    }
}
