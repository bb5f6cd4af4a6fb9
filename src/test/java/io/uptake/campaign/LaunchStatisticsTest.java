package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Json;
import io.uptake.testsupport.NhsNumbers;
import io.uptake.testsupport.TestClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After a launch the planner knows how many rows it wrote. Without that, the statistics of the tables as they were
 * before (here: empty, as after a reset) planned housekeeping's conversion check as nested loops of sequential scans,
 * which ran for 11 minutes over 1,641 messages (issue 16). reltuples is what ANALYZE sets, in its own transaction.
 */
@MicronautTest(transactional = false)
@Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)
@Property(name = TestClock.START, value = "2026-03-02T09:00:00Z")
class LaunchStatisticsTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;

    @Test
    void aLaunchLeavesThePlannerKnowingTheRowsItWrote() throws Exception {
        Database.reset(dataSource);
        BlockingHttpClient http = client.toBlocking();
        Api api = new Api(http);
        String admin = api.adminToken();
        http.exchange(Api.csv(HttpRequest.POST("/api/imports/practices", ("practice_code,name,phone,pcn\n"
                + "Y00001,Moss Side Health Centre,0161 496 0001,North PCN\n").getBytes(StandardCharsets.UTF_8)))
                .bearerAuth(admin), Map.class);
        String ccc = api.user("ccc.north", "CCC", "North PCN");
        StringBuilder csv = new StringBuilder(
                "nhs_number,given_name,family_name,date_of_birth,sex,mobile,language,ethnicity,practice_code\n");
        for (int i = 0; i < 40; i++) {
            csv.append(NhsNumbers.next()).append(",Stat").append(i).append(",Patient,1970-01-01,M,")
                    .append(NhsNumbers.mobile(600 + i)).append(",en,Black African,Y00001\n");
        }
        http.exchange(Api.csv(HttpRequest.POST("/api/imports/patients", csv.toString().getBytes(StandardCharsets.UTF_8)))
                .bearerAuth(admin), Map.class);
        // The planner's view of the empty tables, as a reset or a new service leaves it.
        execute("ANALYZE recipient, message");
        assertThat(reltuples("message")).isLessThanOrEqualTo(0);

        http.exchange(HttpRequest.POST("/api/campaigns", Map.of("name", "Statistics", "programme", "psa-eligible",
                "asOf", "2026-03-02", "controlFraction", 0, "reminders", java.util.List.of(Map.of("afterDays", 14))))
                .bearerAuth(ccc), Json.OBJECT);

        assertThat(reltuples("recipient")).isEqualTo(40);
        assertThat(reltuples("message")).isEqualTo(80);
    }

    private void execute(String sql) throws Exception {
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private long reltuples(String table) throws Exception {
        try (Connection c = Database.raw(dataSource).getConnection();
             var ps = c.prepareStatement("SELECT reltuples FROM pg_class WHERE relname = ?")) {
            ps.setString(1, table);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return Math.round(rs.getDouble(1));
            }
        }
    }
}
