package io.uptake.letter;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.uptake.sms.FakeNotify;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Json;
import io.uptake.testsupport.NhsNumbers;
import io.uptake.testsupport.TestClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Notify letter's request goes only while its claim's lease outlasts the request's timeouts. Otherwise another
 * instance could claim the letter while the request is still in flight, find nothing at Notify yet, and post it
 * again. Here the lease (10 s) is shorter than connect + read (5 s + 20 s): nothing is posted, nothing is marked
 * attempted, and the letters go back for the next claim.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
@Property(name = "uptake.campaign.quartz.auto-start", value = "false")
@Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)
@Property(name = TestClock.START, value = "2026-03-02T09:00:00Z")
class NotifyLetterLeaseTest implements TestPropertyProvider {
    final FakeNotify fake = FakeNotify.start();

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    NotifyLetters letters;

    @Override
    public Map<String, String> getProperties() {
        return Map.of(
                "uptake.sms.notify.api-key", fake.apiKey(),
                "uptake.sms.notify.base-url", fake.baseUrl(),
                "uptake.sms.notify.letters", "true",
                "uptake.sms.notify.connect-timeout", "5s",
                "uptake.sms.notify.read-timeout", "20s",
                "uptake.sms.notify.letter-lease", "10s");
    }

    @AfterAll
    void stopFake() {
        fake.close();
    }

    @Test
    void aLeaseShorterThanTheRequestsTimeoutsPostsNothing() throws Exception {
        Database.reset(dataSource);
        BlockingHttpClient http = client.toBlocking();
        Api api = new Api(http);
        String admin = api.adminToken();
        http.exchange(Api.csv(HttpRequest.POST("/api/imports/practices", ("practice_code,name,phone,pcn,address_line_1,town,postcode\n"
                + "Y00001,Moss Side Health Centre,0161 496 0001,North PCN,1 Moss Lane East,Manchester,M16 7AA\n")
                .getBytes(StandardCharsets.UTF_8))).bearerAuth(admin), Map.class);
        String ccc = api.user("ccc.north", "CCC", "North PCN");
        String csv = "nhs_number,given_name,family_name,date_of_birth,sex,mobile,language,ethnicity,practice_code,"
                + "address_line_1,town,postcode\n"
                + NhsNumbers.next() + ",Post,Letter,1970-01-01,M,,en,Black African,Y00001,10 Birch Road,Manchester,M14 5AB\n";
        http.exchange(Api.csv(HttpRequest.POST("/api/imports/patients", csv.getBytes(StandardCharsets.UTF_8)))
                .bearerAuth(admin), Map.class);
        HttpResponse<Map<String, Object>> created = http.exchange(HttpRequest.POST("/api/campaigns",
                new HashMap<>(Map.of("name", "PSA by post", "programme", "psa-eligible", "asOf", "2026-03-02",
                        "controlFraction", 0))).bearerAuth(ccc), Json.OBJECT);
        long id = ((Number) created.body().get("id")).longValue();
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement()) {
            st.executeUpdate("UPDATE campaign SET status = 'SENDING' WHERE id = " + id);
        }

        assertThat(letters.sendDue(10)).isEqualTo(1);
        assertThat(fake.sends()).isZero();
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT status, attempted_at IS NULL, claimed_until IS NULL, attempts FROM letter"
                     + " WHERE campaign_id = " + id)) {
            assertThat(rs.next()).isTrue();
            assertThat(List.of(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3), rs.getInt(4)))
                    .containsExactly("PENDING", true, true, 0);
        }
    }
}
