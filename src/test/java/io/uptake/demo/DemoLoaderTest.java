package io.uptake.demo;

import io.micronaut.context.annotation.Property;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo PCN loads through the import path into an empty database, once, with every cohort populated. */
@MicronautTest(transactional = false)
@Property(name = "uptake.demo.enabled", value = "true")
@Property(name = "uptake.demo.password", value = "demo-password-123")
class DemoLoaderTest {
    @Inject
    DemoLoader loader;
    @Inject
    DataSource dataSource;
    @Inject
    @Client("/")
    HttpClient client;

    @Test
    void loadsTheDemoPcnOnceAndItsCccSeesIt() throws Exception {
        Database.reset(dataSource);
        loader.onApplicationEvent(null);
        loader.onApplicationEvent(null);  // not empty any more: nothing happens

        BlockingHttpClient http = client.toBlocking();
        String ccc = new Api(http).login("demo.ccc", "demo-password-123");
        Map<String, Object> page = http.retrieve(HttpRequest.GET("/api/patients?size=1").bearerAuth(ccc),
                Argument.mapOf(String.class, Object.class));
        assertThat(((Number) page.get("total")).longValue()).isEqualTo(3000);
        new Api(http).login("demo.lead", "demo-password-123");

        assertThat(count("SELECT count(*) FROM practice")).isEqualTo(4);
        assertThat(count("SELECT count(*) FROM import_run")).isEqualTo(3);
        // FIT kits issued 14-90 days ago with nothing back since.
        assertThat(count("""
                SELECT count(*) FROM event i WHERE i.event_type = 'FIT_KIT_ISSUED'
                AND i.event_date BETWEEN current_date - 90 AND current_date - 14
                AND NOT EXISTS (SELECT 1 FROM event r WHERE r.patient_id = i.patient_id
                                AND r.event_type IN ('FIT_KIT_RETURNED', 'FIT_RESULT') AND r.event_date >= i.event_date)"""))
                .isGreaterThan(20);
        assertThat(count("SELECT count(*) FROM event WHERE event_type = 'BOWEL_SCREENING_NO_RESPONSE'")).isGreaterThan(10);
        assertThat(count("""
                SELECT count(*) FROM event e JOIN patient p ON p.id = e.patient_id WHERE e.event_type = 'BREAST_SCREENING_DNA'
                AND p.sex = 'F' AND e.event_date >= current_date - 365"""))
                .isGreaterThan(10);
        assertThat(count("""
                SELECT count(*) FROM patient WHERE sex = 'M' AND ethnicity_group = 'BLACK'
                AND date_of_birth BETWEEN current_date - interval '70 years' AND current_date - interval '45 years'"""))
                .isGreaterThan(10);
        for (String exclusion : new String[]{"DECEASED", "PALLIATIVE_CARE", "SMS_OPT_OUT", "CANCER_DIAGNOSED", "PSA_TEST"}) {
            assertThat(count("SELECT count(*) FROM event WHERE event_type = '" + exclusion + "'")).as(exclusion).isGreaterThan(5);
        }
        assertThat(count("SELECT count(*) FROM opt_out_ledger WHERE source = 'IMPORTED'"))
                .isEqualTo(count("SELECT count(*) FROM event WHERE event_type = 'SMS_OPT_OUT'"));
        assertThat(count("SELECT count(DISTINCT language) FROM patient")).isGreaterThanOrEqualTo(8);
        assertThat(count("SELECT count(*) FROM patient WHERE mobile IS NULL")).isGreaterThan(100);
        // Letters need addresses: the demo's patients have them (one in 20 not), and so do its practices.
        assertThat(count("SELECT count(*) FROM patient WHERE address_line_1 IS NOT NULL AND town = 'Manchester'"))
                .isEqualTo(3000 - 3000 / 20);
        assertThat(count("SELECT count(*) FROM patient WHERE mobile IS NULL AND address_line_1 IS NOT NULL"))
                .isGreaterThan(100);
        assertThat(count("SELECT count(*) FROM practice WHERE address_line_1 IS NOT NULL AND postcode IS NOT NULL"))
                .isEqualTo(4);
        // A call wave can reach patients written to: a home telephone, or a landline exported as the mobile.
        assertThat(count("SELECT count(*) FROM patient WHERE mobile IS NULL AND telephone LIKE '+44161496%'"))
                .isGreaterThan(150);
        assertThat(count("SELECT count(*) FROM patient WHERE mobile IS NOT NULL AND telephone IS NOT NULL")).isZero();
    }

    long count(String sql) throws java.sql.SQLException {
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
