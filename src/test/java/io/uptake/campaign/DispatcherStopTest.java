package io.uptake.campaign;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.uptake.db.EmbeddedDatabase;
import io.uptake.sms.FakeTwilio;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.TestClock;
import io.uptake.testsupport.Rows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dispatcher's stop paths, through a whole service instance (its own application context, dispatcher
 * loop and send pool) and, where the provider matters, the real Twilio adapter and SDK against
 * {@link FakeTwilio}. After a stop every message must be one of: QUEUED with the provider id the provider
 * gave it (handed over and recorded), exactly as it was before the claim (released: same status, same due
 * time, unclaimed, never sent), or UNKNOWN (reconciled before any resend); and no text reached the provider
 * twice. Nothing may be left SENDING under a claim of an instance that is gone.
 */
class DispatcherStopTest {
    static final Instant MONDAY_0900 = Instant.parse("2026-03-02T09:00:00Z");
    /** "Campaign.*" brings the test cohort and texts; with Twilio configured the recording sender stands aside. */
    static final String SPEC = "CampaignDispatcherStopTest";

    EmbeddedServer server;
    FakeTwilio fake;

    @AfterEach
    void tearDown() {
        if (server != null && server.getApplicationContext().isRunning()) {
            server.getApplicationContext().close();
        }
        if (fake != null) {
            fake.close();
        }
        // Released messages are still due: the next test's instance would send them as soon as it starts.
        org.postgresql.ds.PGSimpleDataSource db = new org.postgresql.ds.PGSimpleDataSource();
        db.setUrl(EmbeddedDatabase.jdbcUrl());
        Database.reset(db);
    }

    /** One dispatcher worker, two sends at a time, batches of ten; Quartz off, so housekeeping runs when told. */
    static EmbeddedServer instance(Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>(Map.of(
                "micronaut.server.port", -1,
                TestClock.PROPERTY, TestClock.SETTABLE,
                TestClock.START, MONDAY_0900.toString(),
                "uptake.campaign.quartz.auto-start", false,
                "uptake.campaign.dispatcher.enabled", true,
                "uptake.campaign.throttle.messages-per-second", "0",
                "uptake.campaign.dispatcher.workers", 1,
                "uptake.campaign.dispatcher.send-concurrency", 2,
                "uptake.campaign.dispatcher.batch-size", 10,
                "uptake.campaign.dispatcher.idle-poll", "50ms"));
        properties.putAll(extra);
        return ApplicationContext.builder().environments("test").properties(properties).run(EmbeddedServer.class);
    }

    Map<String, Object> twilio(Duration stopGrace) {
        // The provider stamps its messages with the service's business time, so reconcile looks in the right place.
        fake = FakeTwilio.start(16, Clock.fixed(MONDAY_0900, ZoneOffset.UTC));
        return Map.of(
                "spec.name", SPEC,
                "twilio.account-sid", "ACtest",
                "twilio.auth-token", "test-auth-token",
                "twilio.messaging-service-sid", "MGtest",
                "twilio.api-base-url", fake.baseUrl(),
                "uptake.public-url", "https://uptake.example.nhs.uk",
                "uptake.sms.twilio.read-timeout", "20s",
                "uptake.campaign.dispatcher.stop-grace", stopGrace.toString());
    }

    /** Creates the campaign with its messages (SCHEDULED, so nothing is claimable yet); returns its id. */
    long launch(int patients) {
        DataSource dataSource = server.getApplicationContext().getBean(DataSource.class);
        Database.reset(dataSource);
        SentLog.reset();
        new Rows(dataSource).patients("North PCN", "N00001", patients);
        BlockingHttpClient http = server.getApplicationContext().createBean(HttpClient.class, server.getURL())
                .toBlocking();
        String ccc = new Api(http).user("ccc.north", "CCC", "North PCN");
        Map<?, ?> created = http.retrieve(HttpRequest.POST("/api/campaigns",
                Map.of("name", "Stop test", "programme", "fit-non-returners")).bearerAuth(ccc), Map.class);
        assertThat(created.get("status")).isEqualTo("SCHEDULED");
        return ((Number) created.get("id")).longValue();
    }

    /** Housekeeping turns the campaign SENDING; from then on the instance's own worker claims and sends. */
    void startSending() {
        server.getApplicationContext().getBean(CampaignHousekeeping.class).run();
    }

    record Row(long id, String to, String status, String providerSid, String claimedBy, Instant dueAt,
               int attempts, Instant sentAt, String reason) {
    }

    /** Read with a connection of our own: after a stop the instance's pool is closed. */
    static List<Row> rows(long campaignId) {
        try (Connection c = DriverManager.getConnection(EmbeddedDatabase.jdbcUrl()); var ps = c.prepareStatement("""
                SELECT id, to_number, status, provider_sid, claimed_by, due_at, attempts, sent_at, reason
                FROM message WHERE campaign_id = ? ORDER BY id""")) {
            ps.setLong(1, campaignId);
            List<Row> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            instant(rs.getTimestamp(6)), rs.getInt(7), instant(rs.getTimestamp(8)), rs.getString(9)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<Long, Row> byId(List<Row> rows) {
        return rows.stream().collect(Collectors.toMap(Row::id, Function.identity()));
    }

    static void sql(String sql, Object... params) {
        try (Connection c = DriverManager.getConnection(EmbeddedDatabase.jdbcUrl()); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i] instanceof Instant t ? Timestamp.from(t) : params[i]);
            }
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /**
     * The invariant of every stop: each message handed to the provider is recorded with the provider's id,
     * each other one is exactly as it was before the claim, and the provider got each text at most once.
     * Returns how many were recorded as handed over.
     */
    long assertEachMessageSentAndRecordedOrUntouched(Map<Long, Row> before, List<Row> after) {
        Map<String, List<Map<String, Object>>> providerTexts = fake.messages().stream()
                .collect(Collectors.groupingBy(m -> (String) m.get("to")));
        assertThat(fake.creates()).hasSize(providerTexts.values().stream().mapToInt(List::size).sum());
        assertThat(providerTexts.keySet()).isSubsetOf(after.stream().map(Row::to).toList());
        assertThat(after).allSatisfy(m -> {
            assertThat(m.claimedBy()).as("claim of message %s", m.id()).isNull();
            List<Map<String, Object>> texts = providerTexts.getOrDefault(m.to(), List.of());
            assertThat(texts).as("texts to message %s's number", m.id()).hasSizeLessThanOrEqualTo(1);
            if (m.status().equals("QUEUED")) {
                assertThat(texts).singleElement().satisfies(t -> assertThat(t.get("sid")).isEqualTo(m.providerSid()));
                assertThat(m.sentAt()).isEqualTo(MONDAY_0900);
            } else {
                Row was = before.get(m.id());
                assertThat(texts).as("a text for message %s, which is recorded %s", m.id(), m.status()).isEmpty();
                assertThat(m).as("message %s released as it was", m.id())
                        .usingRecursiveComparison().isEqualTo(was);
            }
        });
        return after.stream().filter(m -> m.status().equals("QUEUED")).count();
    }

    /**
     * A stop inside the grace period lets the batch in hand finish: every text it handed over is recorded
     * with its provider id before the database pool closes, and no new batch is claimed.
     */
    @Test
    void aStopWithinTheGracePeriodRecordsTheBatchInHandAndClaimsNoMore() {
        server = instance(twilio(Duration.ofSeconds(20)));
        long campaign = launch(30);
        rows(campaign).forEach(m -> fake.script(m.to(), FakeTwilio.Reply.createdButSlow(Duration.ofMillis(400))));
        Map<Long, Row> before = byId(rows(campaign));
        startSending();
        await("the first batch handing texts over").atMost(Duration.ofSeconds(30))
                .until(() -> !fake.creates().isEmpty());

        server.getApplicationContext().close();

        List<Row> after = rows(campaign);
        assertThat(after).extracting(Row::status).containsOnly("QUEUED", "PENDING");
        long queued = assertEachMessageSentAndRecordedOrUntouched(before, after);
        // The whole batch in hand (batch-size 10) went and was recorded; the stop let no other batch start.
        assertThat(queued).isEqualTo(10);
    }

    /**
     * A stop that outlasts the grace period interrupts the worker: the two texts being handed over still go
     * and are recorded; the batch's other texts are given back as they were, PENDING with their due times, not
     * sent and not left to the lease; UNKNOWN texts were never the batch's.
     */
    @Test
    void aStopPastTheGracePeriodRecordsTextsInFlightAndReleasesTheRestAsTheyWere() {
        server = instance(twilio(Duration.ofMillis(500)));
        long campaign = launch(10);
        List<Row> created = rows(campaign);
        created.forEach(m -> fake.script(m.to(), FakeTwilio.Reply.createdButSlow(Duration.ofSeconds(5))));
        // The last three timed out in an earlier round and are not yet due for reconciliation: the dispatcher never
        // takes an UNKNOWN text (the reconciler does), so the stop leaves them exactly as they were.
        List<Long> unknown = created.subList(7, 10).stream().map(Row::id).toList();
        unknown.forEach(id -> sql("""
                UPDATE message SET status = 'UNKNOWN', attempted_at = ?, attempts = 1, reason = 'outcome unknown',
                       due_at = ? WHERE id = ?""", MONDAY_0900.minusSeconds(60), MONDAY_0900.plusSeconds(3600), id));
        Map<Long, Row> before = byId(rows(campaign));
        startSending();
        await("the first texts being handed over").atMost(Duration.ofSeconds(30))
                .until(() -> fake.creates().size() >= 2);

        server.getApplicationContext().close();

        List<Row> after = rows(campaign);
        long queued = assertEachMessageSentAndRecordedOrUntouched(before, after);
        // Two sends at a time, each slower than the grace: the first two went, the rest were given back.
        assertThat(queued).isEqualTo(2);
        assertThat(after).filteredOn(m -> unknown.contains(m.id())).extracting(Row::status).containsOnly("UNKNOWN");
        assertThat(after).filteredOn(m -> m.status().equals("PENDING")).hasSize(5);
    }

    /**
     * A send thread that dies after handing a text over (an Error no adapter classifies) leaves that text
     * UNKNOWN, due for reconciliation, rather than released for a second send; reconciliation then finds it.
     */
    @Test
    void aSenderThatDiesWithATextInHandLeavesItUnknownAndItIsReconciledNotResent() {
        server = instance(Map.of("spec.name", SPEC));
        long campaign = launch(4);
        List<Row> created = rows(campaign);
        Row dies = created.get(1);
        SentLog.script(dies.to(), SentLog.Script.ACCEPTED_THEN_DIES);
        startSending();

        await("the batch recorded").atMost(Duration.ofSeconds(30)).until(() -> rows(campaign).stream()
                .allMatch(m -> m.claimedBy() == null && !m.status().equals("PENDING")));

        Map<Long, Row> after = byId(rows(campaign));
        assertThat(after.get(dies.id()).status()).isEqualTo("UNKNOWN");
        assertThat(after.get(dies.id()).reason()).contains("interrupted");
        // Due again after reconcile-after (30 s by default), by the service's clock.
        assertThat(after.get(dies.id()).dueAt()).isEqualTo(MONDAY_0900.plusSeconds(30));
        assertThat(after.values()).filteredOn(m -> m.id() != dies.id()).extracting(Row::status).containsOnly("QUEUED");
        assertThat(SentLog.requests()).hasSize(4);

        server.getApplicationContext().getBean(TestClock.class).advance(Duration.ofSeconds(30));

        await("the unknown text reconciled").atMost(Duration.ofSeconds(30))
                .until(() -> rows(campaign).stream().allMatch(m -> m.status().equals("QUEUED")));
        assertThat(rows(campaign)).filteredOn(m -> m.id() == dies.id()).singleElement()
                .satisfies(m -> assertThat(m.providerSid()).isEqualTo(SentLog.accepted().get(dies.id())));
        assertThat(SentLog.requests()).filteredOn(r -> r.to().equals(dies.to())).hasSize(1);
        assertThat(SentLog.requests()).hasSize(4);
    }
}
