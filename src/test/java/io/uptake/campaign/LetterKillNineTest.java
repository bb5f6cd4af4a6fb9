package io.uptake.campaign;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.uptake.sms.FakeNotify;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Json;
import io.uptake.testsupport.NhsNumbers;
import io.uptake.testsupport.PostgresProcesses;
import io.uptake.testsupport.Rows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Letters posted through GOV.UK Notify (a {@link FakeNotify} in this JVM) by a service instance in a child JVM, on
 * its own embedded PostgreSQL with the durable settings, killed with kill -9 while a letter's request is in flight:
 * Notify has stored it, its answer has not come, and the instance has committed only the attempt ({@code
 * attempted_at}). Another instance started on the same data directory asks Notify by the letter's reference before
 * anything else: that letter is found and marked sent with Notify's id, never posted again, and the letter the first
 * instance had claimed but not yet tried is posted once. Every letter ends SENT, each posted to Notify exactly once
 * by its reference ({@code letter-<id>}).
 */
class LetterKillNineTest {
    private static final int LETTERS = 4;

    private final FakeNotify notify = FakeNotify.start();
    private final ChildInstances children = new ChildInstances("letter-kill-nine");
    private Process child;

    @AfterEach
    void stop() {
        if (child != null) {
            child.destroyForcibly();
        }
        children.close();
        notify.close();
    }

    /** Notify posts letters; a batch's lease is short so that the second instance need not wait two minutes. */
    private Map<String, String> notifyLetters() {
        return Map.of("uptake.sms.notify.api-key", notify.apiKey(),
                "uptake.sms.notify.base-url", notify.baseUrl(),
                "uptake.sms.notify.letters", "true",
                // The answer is held back for minutes, so the request is still waiting when the JVM dies. The lease
                // outlasts connect + read timeouts (5 s + 20 s), as a request must never outlive its lease.
                "uptake.sms.notify.read-timeout", "20s",
                "uptake.sms.notify.letter-interval", "1s",
                "uptake.sms.notify.letter-lease", "30s");
    }

    @Test
    void aKilledInstanceLeavesNoLetterPostedTwiceOrLost() throws Exception {
        // Two letters taken at once; the third stored by Notify, its answer held back past the kill; the fourth
        // claimed with them, never tried by the first instance.
        notify.scriptNext(FakeNotify.Reply.created(), FakeNotify.Reply.created(),
                FakeNotify.Reply.createdButSlow(Duration.ofMinutes(3)));
        int port = ChildInstances.freePort();
        child = children.start("first", port, "", notifyLetters());
        children.awaitHealthy(child, port, Duration.ofMinutes(3), "first");

        BlockingHttpClient api = children.client(port);
        Api users = new Api(api);
        String admin = users.adminToken();
        api.exchange(Api.csv(HttpRequest.POST("/api/imports/practices", ("practice_code,name,phone,pcn,address_line_1,town,postcode\n"
                + "Y00001,Moss Side Health Centre,0161 496 0001,North PCN,1 Moss Lane East,Manchester,M16 7AA\n")
                .getBytes(StandardCharsets.UTF_8))).bearerAuth(admin), Map.class);
        StringBuilder csv = new StringBuilder("nhs_number,given_name,family_name,date_of_birth,sex,mobile,language,"
                + "ethnicity,practice_code,address_line_1,town,postcode\n");
        // One patient a text reaches (the campaign texts through the child's own recorder), the rest by post only.
        csv.append(NhsNumbers.next()).append(",Tex,Mobile,1970-01-01,M,").append(NhsNumbers.mobile(510))
                .append(",en,Black African,Y00001,1 Oak Road,Manchester,M14 5AA\n");
        for (int i = 0; i < LETTERS; i++) {
            csv.append(NhsNumbers.next()).append(",Post").append(i).append(",Letter,1970-01-01,M,,en,Black African,Y00001,")
                    .append(10 + i).append(" Birch Road,Manchester,M14 5AB\n");
        }
        api.exchange(Api.csv(HttpRequest.POST("/api/imports/patients", csv.toString().getBytes(StandardCharsets.UTF_8)))
                .bearerAuth(admin), Map.class);
        String ccc = users.user("ccc.north", "CCC", "North PCN");
        Map<?, ?> created = api.retrieve(HttpRequest.POST("/api/campaigns", Map.of("name", "Letters, kill nine",
                "programme", "psa-eligible", "controlFraction", 0, "sendWindow", CampaignKillNineTest.ALWAYS_OPEN))
                .bearerAuth(ccc), Map.class);
        long id = ((Number) created.get("id")).longValue();
        Rows db = new Rows(PostgresProcesses.dataSource(children.dataDir));
        List<Long> letters = db.queryLongs("SELECT id FROM letter WHERE campaign_id = ? AND arm = 'LETTER' ORDER BY id", id);
        assertThat(letters).hasSize(LETTERS);

        // In flight: Notify holds three, the first two recorded as sent, the third's attempt committed, unanswered.
        await("a letter in flight").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100)).until(() ->
                notify.letters().size() == 3
                        && db.queryLong("SELECT count(*) FROM letter WHERE campaign_id = ? AND status = 'SENT'", id) == 2
                        && db.queryLong("SELECT count(*) FROM letter WHERE campaign_id = ? AND status = 'PENDING'"
                        + " AND attempted_at IS NOT NULL", id) == 1);
        long inFlight = db.queryLong("SELECT id FROM letter WHERE campaign_id = ? AND status = 'PENDING'"
                + " AND attempted_at IS NOT NULL", id);
        long untried = db.queryLong("SELECT id FROM letter WHERE campaign_id = ? AND status = 'PENDING'"
                + " AND attempted_at IS NULL", id);
        assertThat(db.queryLong("SELECT count(*) FROM letter WHERE id = ? AND claimed_until IS NOT NULL", untried))
                .as("claimed by the first instance with the others").isEqualTo(1);
        assertThat(referenced().keySet()).contains("letter-" + inFlight).doesNotContain("letter-" + untried);

        child.destroyForcibly().waitFor();
        await("PostgreSQL stopped by the watchdog").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> PostgresProcesses.on(children.dataDir).isEmpty());
        assertThat(notify.sends()).isEqualTo(3);

        port = ChildInstances.freePort();
        child = children.start("second", port, "", notifyLetters());
        children.awaitHealthy(child, port, Duration.ofMinutes(3), "second");
        Rows after = new Rows(PostgresProcesses.dataSource(children.dataDir));
        await("every letter sent").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() ->
                after.queryLong("SELECT count(*) FROM letter WHERE campaign_id = ? AND status = 'SENT'", id) == LETTERS);

        // Each letter posted once, by its reference; the one in flight found by reconciling, not posted again.
        assertThat(notify.sends()).isEqualTo(LETTERS);
        assertThat(notify.letters()).extracting(FakeNotify.Stored::reference).doesNotHaveDuplicates();
        Map<String, FakeNotify.Stored> byReference = referenced();
        assertThat(byReference.keySet()).containsExactlyInAnyOrderElementsOf(
                letters.stream().map(l -> "letter-" + l).toList());
        for (long letter : letters) {
            assertThat(after.queryString("SELECT provider || ' ' || provider_ref FROM letter WHERE id = ?", letter))
                    .as("letter %d", letter).isEqualTo("notify " + byReference.get("letter-" + letter).id());
            assertThat(after.queryLong("SELECT attempts FROM letter WHERE id = ?", letter)).as("letter %d's attempts", letter)
                    .isEqualTo(1);
        }
        assertThat(children.log("second")).contains("Reconcile of letter " + inFlight + ": Notify had accepted it");
        // And the CCC sees it so: every letter of the campaign sent, by Notify.
        BlockingHttpClient second = children.client(port);
        String again = new Api(second).login("ccc.north", Api.USER_PASSWORD);
        List<Map<String, Object>> listed = Json.objects(second.retrieve(HttpRequest.GET("/api/campaigns/" + id
                + "/messages?size=50").bearerAuth(again), Json.OBJECT).get("messages"));
        assertThat(listed).filteredOn(m -> "LETTER".equals(m.get("channel"))).hasSize(LETTERS)
                .allSatisfy(m -> assertThat(m.get("status") + " " + m.get("provider")).isEqualTo("SENT notify"));

        child.destroyForcibly().waitFor();
        await("PostgreSQL stopped by the watchdog").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> PostgresProcesses.on(children.dataDir).isEmpty());
        children.deleteDir();
    }

    /** Notify's letters by our reference (the latest of any stored twice, which the caller refuses). */
    private Map<String, FakeNotify.Stored> referenced() {
        return notify.letters().stream().collect(Collectors.toMap(FakeNotify.Stored::reference, Function.identity(),
                (a, b) -> b));
    }
}
