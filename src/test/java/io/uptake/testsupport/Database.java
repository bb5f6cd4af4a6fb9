package io.uptake.testsupport;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Test classes share one embedded PostgreSQL per JVM; each starts from empty tables. */
public final class Database {
    private Database() {
    }

    /** The pool itself, outside Micronaut's transaction-bound proxy, for set-up statements. */
    public static DataSource raw(DataSource dataSource) {
        return io.micronaut.data.connection.jdbc.advice.DelegatingDataSource.unwrapDataSource(dataSource);
    }

    /**
     * Empties every table but Flyway's history and Quartz's lock rows; keeps the admin user, enabled. One transaction,
     * retried on a deadlock: the campaign dispatcher and Quartz keep working in the background of every test
     * context, and TRUNCATE's exclusive locks can meet their row locks in the other order.
     */
    public static void reset(DataSource dataSource) {
        for (int attempt = 1; ; attempt++) {
            try {
                resetOnce(dataSource);
                return;
            } catch (SQLException e) {
                if (attempt >= 5 || !"40P01".equals(e.getSQLState())) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private static void resetOnce(DataSource dataSource) throws SQLException {
        try (Connection c = raw(dataSource).getConnection(); var st = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                List<String> tables = new ArrayList<>();
                try (var rs = st.executeQuery("""
                        SELECT tablename FROM pg_tables WHERE schemaname = 'public'
                        AND tablename NOT IN ('flyway_schema_history', 'qrtz_locks')""")) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
                st.execute("CREATE TEMP TABLE kept_admin ON COMMIT DROP AS SELECT * FROM app_user WHERE username = 'admin'");
                st.execute("TRUNCATE " + String.join(", ", tables) + " CASCADE");
                st.execute("INSERT INTO app_user SELECT * FROM kept_admin");
                // A test may have disabled the admin (user management tests do): every test starts with it usable.
                st.execute("UPDATE app_user SET disabled_at = NULL, must_change_password = false WHERE username = 'admin'");
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
