package io.uptake.testsupport;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

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

    /** Every table, each before the tables it refers to; the schema does not change within a test JVM. */
    private static volatile List<String> childrenFirst;
    /**
     * The tables a trigger guards against DELETE (the append-only ledgers: audit_log, opt_out_ledger, call_attempt
     * and any added later), read from the schema: emptied by TRUNCATE, which row triggers do not see.
     */
    private static volatile Set<String> appendOnly;

    private static void resetOnce(DataSource dataSource) throws SQLException {
        try (Connection c = raw(dataSource).getConnection(); var st = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                List<String> order = childrenFirst(st);
                // Only the tables with rows, by DELETE: a test writes to a few of some sixty, and TRUNCATE costs
                // about a millisecond a table however empty it is (65 ms a reset for all of them, and a suite
                // resets about 1,000 times). Children before parents, so no foreign key is in the way.
                Set<String> written = new HashSet<>();
                try (var rs = st.executeQuery(order.stream()
                        .map(t -> "SELECT '" + t + "' WHERE EXISTS (SELECT 1 FROM " + t + ")")
                        .collect(Collectors.joining(" UNION ALL ")))) {
                    while (rs.next()) {
                        written.add(rs.getString(1));
                    }
                }
                st.execute("CREATE TEMP TABLE kept_admin ON COMMIT DROP AS SELECT * FROM app_user WHERE username = 'admin'");
                for (String table : order) {
                    if (written.contains(table)) {
                        // CASCADE: TRUNCATE refuses a table others refer to, whatever they hold (they are
                        // emptied already, children first).
                        st.execute(appendOnly.contains(table) ? "TRUNCATE " + table + " CASCADE" : "DELETE FROM " + table);
                    }
                }
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

    private static List<String> childrenFirst(Statement st) throws SQLException {
        List<String> known = childrenFirst;
        if (known != null) {
            return known;
        }
        Set<String> tables = new LinkedHashSet<>();
        try (var rs = st.executeQuery("""
                SELECT tablename FROM pg_tables WHERE schemaname = 'public'
                AND tablename NOT IN ('flyway_schema_history', 'qrtz_locks') ORDER BY tablename""")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        Map<String, Set<String>> referredToBy = new HashMap<>();
        try (var rs = st.executeQuery("""
                SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
                JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
                WHERE k.contype = 'f' AND k.connamespace = 'public'::regnamespace AND c.oid <> p.oid""")) {
            while (rs.next()) {
                referredToBy.computeIfAbsent(rs.getString("parent"), k -> new HashSet<>()).add(rs.getString("child"));
            }
        }
        List<String> order = new ArrayList<>();
        Set<String> left = new LinkedHashSet<>(tables);
        while (!left.isEmpty()) {
            List<String> ready = left.stream()
                    .filter(t -> referredToBy.getOrDefault(t, Set.of()).stream().noneMatch(left::contains)).toList();
            if (ready.isEmpty()) {
                throw new IllegalStateException("Foreign keys in a cycle among " + left + ": reset cannot order them");
            }
            order.addAll(ready);
            ready.forEach(left::remove);
        }
        Set<String> guarded = new HashSet<>();
        // tgtype bit 3 (value 8) is TRIGGER_TYPE_DELETE in PostgreSQL's pg_trigger.h.
        try (var rs = st.executeQuery("""
                SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                WHERE NOT t.tgisinternal AND (t.tgtype & 8) <> 0 AND c.relnamespace = 'public'::regnamespace""")) {
            while (rs.next()) {
                guarded.add(rs.getString(1));
            }
        }
        appendOnly = Set.copyOf(guarded);
        childrenFirst = List.copyOf(order);
        return childrenFirst;
    }
}
