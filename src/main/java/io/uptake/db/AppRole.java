package io.uptake.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import static io.uptake.db.Credentials.APP_DATABASE;
import static io.uptake.db.Credentials.APP_ROLE;

/**
 * Sets the embedded server up, as its superuser, at every start: the service's role {@code uptake} (a login, no
 * superuser, so no {@code COPY ... FROM PROGRAM}, no reading server files, no changing server settings) owns the
 * database {@code uptake}, its schema {@code public} and everything in it, so that Flyway, Quartz and the service
 * run as that role. A data directory made by an earlier version keeps its tables in the database {@code postgres},
 * owned by the superuser: that database becomes {@code uptake} and its objects pass to the role.
 */
final class AppRole {
    private static final Logger LOG = LoggerFactory.getLogger(AppRole.class);
    /** Where a restore keeps the database it replaces until the restored one is in place. */
    static final String BEFORE_RESTORE = "uptake_before_restore";
    static final String RESTORING = "uptake_restoring";

    private AppRole() {
    }

    static String url(int port, String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    static Connection superuser(int port, String database, Credentials credentials) throws SQLException {
        Connection c = DriverManager.getConnection(url(port, database), Credentials.SUPERUSER,
                credentials.superuserPassword());
        try (Statement st = c.createStatement()) {
            // A failing statement is logged with its text, and some of ours carry a password.
            st.execute("SET log_min_error_statement = panic");
        }
        return c;
    }

    static void ensure(int port, Credentials credentials) throws SQLException {
        boolean legacy = false;
        try (Connection c = superuser(port, "template1", credentials); Statement st = c.createStatement()) {
            boolean roleExists = exists(st, "SELECT 1 FROM pg_roles WHERE rolname = '" + APP_ROLE + "'");
            st.execute((roleExists ? "ALTER" : "CREATE") + " ROLE " + APP_ROLE + " WITH LOGIN NOSUPERUSER NOCREATEDB"
                    + " NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '" + credentials.appPassword() + "'");
            if (!exists(st, database(APP_DATABASE))) {
                if (exists(st, database(BEFORE_RESTORE))) {
                    // A restore stopped between its two renames: the data it was replacing comes back.
                    LOG.warn("A restore did not finish: the database as it was before it is back in place");
                    st.execute("ALTER DATABASE " + BEFORE_RESTORE + " RENAME TO " + APP_DATABASE);
                } else if (hasUptakeTables(port, credentials)) {
                    legacy = true;
                    LOG.warn("This data directory was made by an earlier version (tables in the database postgres,"
                            + " owned by the superuser): moving them to the database {} owned by the role {}",
                            APP_DATABASE, APP_ROLE);
                    st.execute("ALTER DATABASE postgres RENAME TO " + APP_DATABASE);
                    st.execute("CREATE DATABASE postgres");
                } else {
                    st.execute("CREATE DATABASE " + APP_DATABASE + " OWNER " + APP_ROLE);
                }
            }
            st.execute("ALTER DATABASE " + APP_DATABASE + " OWNER TO " + APP_ROLE);
        }
        try (Connection c = superuser(port, APP_DATABASE, credentials); Statement st = c.createStatement()) {
            int moved = ownSchema(st);
            if (legacy || moved > 0) {
                LOG.warn("{} objects of the database {} now belong to the role {}", moved, APP_DATABASE, APP_ROLE);
            }
        }
    }

    /**
     * The role owns schema public and every object in it that it does not own yet (tables bring their indexes,
     * triggers and sequences; the sequences of serial and identity columns follow their table). Returns how many
     * changed owner.
     */
    static int ownSchema(Statement st) throws SQLException {
        st.execute("ALTER SCHEMA public OWNER TO " + APP_ROLE);
        // Nobody but the owner creates objects here (PostgreSQL 15's default).
        st.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        java.util.List<String> changes = new java.util.ArrayList<>();
        try (var rs = st.executeQuery("""
                SELECT format('ALTER %s %s OWNER TO uptake', CASE c.relkind WHEN 'S' THEN 'SEQUENCE'
                           WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE'
                           ELSE 'TABLE' END, c.oid::regclass) AS sql
                FROM pg_class c
                WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
                  AND c.relowner <> 'uptake'::regrole
                  AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d
                                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                  AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))
                UNION ALL
                SELECT format('ALTER ROUTINE %s OWNER TO uptake', p.oid::regprocedure)
                FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> 'uptake'::regrole
                UNION ALL
                SELECT format('ALTER TYPE %s OWNER TO uptake', t.oid::regtype)
                FROM pg_type t LEFT JOIN pg_class r ON r.oid = t.typrelid
                WHERE t.typnamespace = 'public'::regnamespace AND t.typowner <> 'uptake'::regrole
                  AND (t.typtype IN ('e', 'd', 'r') OR t.typtype = 'c' AND r.relkind = 'c')""")) {
            while (rs.next()) {
                changes.add(rs.getString(1));
            }
        }
        for (String change : changes) {
            st.execute(change);
        }
        return changes.size();
    }

    private static boolean hasUptakeTables(int port, Credentials credentials) throws SQLException {
        try (Connection c = superuser(port, "postgres", credentials); Statement st = c.createStatement()) {
            return exists(st, "SELECT 1 WHERE to_regclass('public.flyway_schema_history') IS NOT NULL");
        }
    }

    static String database(String name) {
        return "SELECT 1 FROM pg_database WHERE datname = '" + name + "'";
    }

    static boolean exists(Statement st, String sql) throws SQLException {
        try (var rs = st.executeQuery(sql)) {
            return rs.next();
        }
    }
}
