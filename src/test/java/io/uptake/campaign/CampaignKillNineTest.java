package io.uptake.campaign;

import com.sun.net.httpserver.HttpServer;
import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.db.EmbeddedDatabase;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service instance in a child JVM is killed with kill -9 in the middle of a campaign and another is started:
 * its claims expire, are reconciled with the provider, and every recipient is texted exactly once.
 * This JVM only launches the campaign and plays the provider; its own dispatcher and scheduler are off.
 */
@MicronautTest(transactional = false)
@Property(name = "spec.name", value = "CampaignKillNineTest")
@Property(name = "micronaut.server.port", value = "-1")
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
@Property(name = "uptake.campaign.quartz.auto-start", value = "false")
class CampaignKillNineTest {
    static final Map<String, Object> ALWAYS_OPEN = Map.of("days", List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"),
            "from", "00:00", "to", "23:59", "skipBankHolidays", false);
    static final int RECIPIENTS = 300;

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;

    HttpServer provider;
    Process child;

    @AfterEach
    void stop() {
        if (child != null) {
            child.destroyForcibly();
        }
        if (provider != null) {
            provider.stop(0);
        }
    }

    @Test
    void aKilledInstanceLeavesNobodyTextedTwiceOrForgotten() throws Exception {
        Database.reset(dataSource);
        SentLog.reset();
        provider = SentLog.serve(Duration.ofMillis(20));
        Fixtures.patients(dataSource, "North PCN", "N00001", RECIPIENTS);
        String ccc = new Api(client.toBlocking()).user("ccc.north", "CCC", "North PCN");
        Map<?, ?> created = client.toBlocking().retrieve(HttpRequest.POST("/api/campaigns", Map.of("name", "Kill nine",
                "programme", "fit-non-returners", "sendWindow", ALWAYS_OPEN)).bearerAuth(ccc), Map.class);
        long id = ((Number) created.get("id")).longValue();

        child = startChild("first");
        await("first instance to send").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                .until(() -> SentLog.requests().size() >= RECIPIENTS / 4);
        child.destroyForcibly().waitFor();
        int sentBeforeKill = SentLog.requests().size();
        assertThat(sentBeforeKill).isLessThan(RECIPIENTS);

        child = startChild("second");
        await("campaign to complete").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                .until(() -> "COMPLETED".equals(client.toBlocking().retrieve(
                        HttpRequest.GET("/api/campaigns/" + id).bearerAuth(ccc), Map.class).get("status")));

        List<SentLog.Request> requests = SentLog.requests();
        assertThat(requests.stream().map(SentLog.Request::messageId).distinct()).hasSize(RECIPIENTS);
        assertThat(requests).hasSize(RECIPIENTS);
        assertThat(SentLog.accepted()).hasSize(RECIPIENTS).allSatisfy((m, sids) -> assertThat(sids).doesNotContain(","));
        assertThat(requests.stream().filter(r -> r.instance().equals("second"))).isNotEmpty();
        assertThat(Fixtures.count(dataSource, "SELECT count(*) FROM message WHERE campaign_id = ? AND status = 'QUEUED'", id))
                .isEqualTo(RECIPIENTS);
    }

    private Process startChild(String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        File log = Path.of("target", "child-" + name + ".log").toFile();
        return new ProcessBuilder(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"),
                "-Ddatasources.default.url=" + EmbeddedDatabase.jdbcUrl(),
                "-Ddatasources.default.username=postgres", "-Ddatasources.default.password=postgres",
                ChildInstance.class.getName(), "http://127.0.0.1:" + provider.getAddress().getPort(), name)
                .redirectErrorStream(true).redirectOutput(log).start();
    }
}
