package io.uptake.campaign;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.runtime.server.EmbeddedServer;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two service instances (two application contexts with their own HTTP servers, dispatchers and clustered
 * Quartz schedulers) against one database send one campaign of 2,000 recipients: each is texted exactly once.
 */
class CampaignTwoInstancesTest {
    static final int RECIPIENTS = 2000;
    EmbeddedServer a;
    EmbeddedServer b;

    static EmbeddedServer instance(String name) {
        return ApplicationContext.builder().environments("test").properties(Map.of(
                "spec.name", "CampaignTwoInstancesTest",
                "micronaut.server.port", -1,
                "uptake.test.instance", name,
                "uptake.campaign.throttle.messages-per-second", "0",
                "uptake.campaign.housekeeping-interval", "500ms",
                "uptake.campaign.dispatcher.idle-poll", "100ms",
                // The test environment keeps the loops off; here they are what is tested.
                "uptake.campaign.dispatcher.enabled", true,
                "uptake.campaign.quartz.auto-start", true)).run(EmbeddedServer.class);
    }

    @AfterEach
    void stop() {
        for (EmbeddedServer s : new EmbeddedServer[]{a, b}) {
            if (s != null) {
                s.getApplicationContext().close();
            }
        }
    }

    @Test
    void twoInstancesShareTheWorkAndTextEveryoneExactlyOnce() throws Exception {
        a = instance("a");
        DataSource dataSource = a.getApplicationContext().getBean(DataSource.class);
        Database.reset(dataSource);
        SentLog.reset();
        b = instance("b");
        List<Rows.Patient> patients = new Rows(dataSource).patients("North PCN", "N00001", RECIPIENTS);
        BlockingHttpClient httpA = a.getApplicationContext().createBean(HttpClient.class, a.getURL()).toBlocking();
        BlockingHttpClient httpB = b.getApplicationContext().createBean(HttpClient.class, b.getURL()).toBlocking();
        String ccc = new Api(httpA).user("ccc.north", "CCC", "North PCN");

        Map<?, ?> created = httpA.retrieve(HttpRequest.POST("/api/campaigns", Map.of("name", "Two instances",
                "programme", "fit-non-returners", "sendWindow", CampaignKillNineTest.ALWAYS_OPEN)).bearerAuth(ccc), Map.class);
        long id = ((Number) created.get("id")).longValue();

        Map<?, ?> campaign = await("campaign to complete").atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> httpB.retrieve(HttpRequest.GET("/api/campaigns/" + id).bearerAuth(ccc), Map.class),
                        c -> "COMPLETED".equals(c.get("status")));
        assertThat(((Map<?, ?>) campaign.get("counts")).get("sent")).isEqualTo(RECIPIENTS);
        List<SentLog.Request> requests = SentLog.requests();
        assertThat(requests).hasSize(RECIPIENTS);
        assertThat(requests.stream().map(SentLog.Request::messageId).distinct()).hasSize(RECIPIENTS);
        Set<Long> textedPatients = requests.stream().map(r -> new Rows(dataSource).queryLong(
                "SELECT patient_id FROM message WHERE id = ?", r.messageId())).collect(Collectors.toSet());
        assertThat(textedPatients).isEqualTo(patients.stream().map(Rows.Patient::id).collect(Collectors.toSet()));
        Map<String, Long> byInstance = requests.stream().collect(Collectors.groupingBy(SentLog.Request::instance, Collectors.counting()));
        assertThat(byInstance).containsOnlyKeys("a", "b");
    }
}
