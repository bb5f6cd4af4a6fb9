package io.uptake.retention;

import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Database;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** With Quartz on (as in production), retention and the inbound retry are clustered jobs at their intervals. */
@MicronautTest(transactional = false)
@Property(name = "uptake.campaign.quartz.auto-start", value = "true")
class RetentionScheduleTest {
    @Inject
    DataSource dataSource;

    @Test
    void retentionRunsDailyAndTheInboundRetryEveryMinuteOnTheCluster() throws Exception {
        Map<String, Long> intervals = new LinkedHashMap<>();
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement(); var rs = st.executeQuery("""
                SELECT t.trigger_name, s.repeat_interval FROM qrtz_triggers t
                JOIN qrtz_simple_triggers s USING (sched_name, trigger_name, trigger_group)
                JOIN qrtz_job_details j ON j.sched_name = t.sched_name AND j.job_name = t.job_name AND j.job_group = t.job_group
                WHERE t.trigger_group = 'cluster' ORDER BY t.trigger_name""")) {
            while (rs.next()) {
                intervals.put(rs.getString(1), rs.getLong(2));
            }
        }
        assertThat(intervals).containsExactly(Map.entry("inbound-retry", 60_000L), Map.entry("retention", 86_400_000L));
    }
}
