package io.uptake.campaign;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Brings PostgreSQL's planner statistics of the tables a launch fills up to date, right after the launch commits.
 * A launch writes thousands of recipient, message and letter rows at once. Until autovacuum's next ANALYZE (a
 * minute or more away, longer on a loaded machine) the planner sees those tables as they were, perhaps nearly
 * empty, and may choose nested loops of sequential scans: housekeeping's conversion check ran for 11 minutes over
 * 1,641 messages in {@code CampaignTwoInstancesTest} (issue 16, run 20 of 20), and held up the instance's stop. ANALYZE
 * samples at most 30,000 rows a table, so this costs a fraction of a second however big the tables are.
 */
@Singleton
class TableStatistics {
    private static final Logger LOG = LoggerFactory.getLogger(TableStatistics.class);
    private final DataSource db;

    TableStatistics(DataSource dataSource) {
        this.db = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    /** After a launch has committed (its own statement, outside any transaction). Never fails the launch. */
    void afterLaunch() {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            st.execute("ANALYZE recipient, message, letter, booking_link");
        } catch (SQLException e) {
            // Only the plans of the next minutes are at stake, until autovacuum analyzes the tables itself.
            LOG.warn("Could not refresh the planner's statistics after a launch: {}", e.getClass().getSimpleName());
        }
    }
}
