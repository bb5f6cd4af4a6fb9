package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.uptake.sms.FakeTwilio;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.TestClock;
import io.uptake.testsupport.Json;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Twilio half of {@link RealPathEndToEndTest}: the same real path (cohort SQL, templates, dispatcher) but
 * through the real {@code TwilioSmsSender} and twilio-java SDK into {@link FakeTwilio}. One request per texted
 * recipient; a number Twilio reports unsubscribed (21610) lands in the opt-out ledger; a number that is not a
 * mobile (21614) ends FAILED and is not retried.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ManualDispatch
@Property(name = TestClock.START, value = RealPathEndToEndTest.MONDAY_0900_TEXT)
@Property(name = "spec.name", value = "RealPathTwilioEndToEndTest")
@Property(name = "uptake.campaign.throttle.messages-per-second", value = "0")
class RealPathTwilioEndToEndTest implements TestPropertyProvider {
    final FakeTwilio fake = FakeTwilio.start();

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    Rows rows;
    @Inject
    CampaignHousekeeping housekeeping;
    @Inject
    Dispatcher dispatcher;

    String ccc;
    List<Rows.Patient> all;

    @Override
    public Map<String, String> getProperties() {
        return Map.of(
                "twilio.account-sid", "ACtest",
                "twilio.auth-token", "test-auth-token",
                "twilio.messaging-service-sid", "MGtest",
                "twilio.api-base-url", fake.baseUrl(),
                "uptake.public-url", "https://uptake.example.nhs.uk");
    }

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        rows = new Rows(dataSource);
        fake.reset();
        all = rows.patients("North PCN", "N00001", 6);
        ccc = new Api(client.toBlocking()).user("ccc.north", "CCC", "North PCN");
    }

    @AfterAll
    void stopFake() {
        fake.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void psaCampaignThroughTheRealTwilioAdapter() throws Exception {
        List<String> mobiles = new java.util.ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            String mobile = "+447700900" + (600 + i);
            mobiles.add(mobile);
            rows.execute("""
                    UPDATE patient SET sex = 'M', ethnicity_group = 'BLACK', date_of_birth = DATE '1970-01-01',
                                       language = 'en', mobile = ? WHERE id = ?""", mobile, all.get(i).id());
        }
        String unsubscribed = mobiles.get(0);
        String notMobile = mobiles.get(1);
        fake.script(unsubscribed, FakeTwilio.Reply.unsubscribed());
        fake.script(notMobile, FakeTwilio.Reply.notMobile());

        Map<String, Object> request = new HashMap<>(Map.of("name", "PSA via Twilio", "programme", "psa-eligible",
                "asOf", "2026-03-02"));
        HttpResponse<Map<String, Object>> created = client.toBlocking().exchange(
                HttpRequest.POST("/api/campaigns", request).bearerAuth(ccc), Json.OBJECT);
        assertThat(created.code()).isEqualTo(201);
        long id = ((Number) created.body().get("id")).longValue();

        housekeeping.run();
        for (int i = 0; i < 100 && dispatcher.dispatchOnce("real-path-twilio-test") > 0; i++) {
            // keep going while there is due work
        }

        List<Map<String, Object>> messages = messages(id);
        assertThat(messages).hasSize(all.size());
        // Exactly one provider request per texted recipient, none repeated.
        assertThat(fake.creates()).hasSize(all.size());
        assertThat(fake.creates().stream().map(r -> r.param("To")).collect(Collectors.toSet()))
                .isEqualTo(Set.copyOf(mobiles));
        Map<String, Map<String, Object>> byNumber = messages.stream()
                .collect(Collectors.toMap(m -> (String) m.get("to"), m -> m));
        assertThat(byNumber.get(unsubscribed).get("status")).isEqualTo("FAILED");
        assertThat(byNumber.get(unsubscribed).get("errorCode")).isEqualTo("21610");
        assertThat(byNumber.get(notMobile).get("status")).isEqualTo("FAILED");
        assertThat(byNumber.get(notMobile).get("errorCode")).isEqualTo("21614");
        mobiles.subList(2, mobiles.size()).forEach(m -> assertThat(byNumber.get(m).get("status")).isEqualTo("QUEUED"));
        assertThat(rows.queryLong("""
                SELECT count(*) FROM opt_out_ledger WHERE patient_id = ? AND action = 'OPT_OUT' AND source = 'TWILIO_21610'""",
                all.get(0).id())).isEqualTo(1);
        assertThat(rows.queryLong("SELECT count(*) FROM opt_out_ledger WHERE patient_id = ?",
                all.get(1).id())).isZero();
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> messages(long id) {
        Map<?, ?> page = client.toBlocking().retrieve(
                HttpRequest.GET("/api/campaigns/" + id + "/messages?size=1000").bearerAuth(ccc), Map.class);
        return (List<Map<String, Object>>) page.get("messages");
    }
}
