package io.uptake.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The home page shows each role its own work: a CCC's open replies and stale imports, a lead's uptake, an ADMIN's users. */
@MicronautTest(transactional = false)
class HomeByRoleTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    Clock clock;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
    }

    @Test
    void eachRoleSeesItsOwnWork() {
        Rows rows = new Rows(dataSource);
        long pcn = rows.pcnNamed("North PCN");
        Api api = new Api(client.toBlocking());
        String ccc = api.user("ccc.north", "CCC", "North PCN");
        String lead = api.user("lead.north", "LEAD", "North PCN");
        rows.execute("""
                INSERT INTO import_run (kind, username, pcn_id, at, charset, bytes) VALUES
                ('patients', 'ccc.north', ?, ?, 'UTF-8', 10), ('events', 'ccc.north', ?, ?, 'UTF-8', 10)""",
                pcn, Timestamp.from(clock.instant().minus(45, ChronoUnit.DAYS)), pcn, Timestamp.from(clock.instant().minus(2, ChronoUnit.DAYS)));

        String cccHome = page(ccc);
        assertThat(cccHome).contains("id=\"ccc-home\"").contains("Campaigns sending or due").doesNotContain("id=\"lead-home\"");
        assertThat(between(cccHome, "id=\"import-patients\"", "</li>")).contains("stale: 45 days old");
        assertThat(between(cccHome, "id=\"import-events\"", "</li>")).doesNotContain("stale");
        assertThat(page(lead)).contains("Uptake overview").doesNotContain("id=\"ccc-home\"").doesNotContain("id=\"admin-home\"");
        String admin = page(api.adminToken());
        assertThat(admin).contains("id=\"users-count\"").contains("id=\"unmatched-count\"").doesNotContain("id=\"ccc-home\"");
    }

    private String page(String token) {
        return client.toBlocking().retrieve(HttpRequest.GET("/ui").bearerAuth(token), String.class);
    }

    private static String between(String s, String from, String to) {
        int i = s.indexOf(from);
        assertThat(i).as(from).isNotNegative();
        return s.substring(i, s.indexOf(to, i));
    }
}
