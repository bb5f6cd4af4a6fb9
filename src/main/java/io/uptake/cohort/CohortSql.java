package io.uptake.cohort;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SQL statement with its positional parameters, ready to bind. The cohort's statement ends with a
 * {@code cohort} CTE (one row per candidate patient, with {@code exclusions text[]}), so a caller can
 * append its own {@code INSERT ... SELECT} or {@code SELECT ... FROM cohort} and run it in one round trip.
 *
 * <p>Named parameters ({@code :asOf}) are rewritten to {@code ?} here because JDBC has none; the SQL
 * written in this package uses {@code CAST(x AS type)} instead of {@code ::} so the rewrite stays simple.
 */
public record CohortSql(String sql, List<Object> parameters) {
    private static final Pattern NAME = Pattern.compile("(?<![:\\w]):([a-zA-Z][a-zA-Z0-9]*)");

    /** Rewrites {@code :name} to {@code ?}, taking each value from {@code values} in order of use. */
    static CohortSql named(String sql, Map<String, ?> values) {
        Matcher m = NAME.matcher(sql);
        StringBuilder out = new StringBuilder();
        List<Object> params = new ArrayList<>();
        while (m.find()) {
            String name = m.group(1);
            if (!values.containsKey(name)) {
                throw new IllegalArgumentException("No value for :" + name);
            }
            params.add(values.get(name));
            m.appendReplacement(out, "?");
        }
        m.appendTail(out);
        return new CohortSql(out.toString(), params);
    }

    /** This statement with {@code tail} appended (named parameters of the tail taken from {@code values}). */
    public CohortSql then(String tail, Map<String, ?> values) {
        CohortSql more = named(tail, values);
        List<Object> all = new ArrayList<>(parameters);
        all.addAll(more.parameters());
        return new CohortSql(sql + "\n" + more.sql(), all);
    }

    /** Binds the parameters from index 1; collections become text arrays, instants timestamps. */
    public void bind(PreparedStatement ps) throws SQLException {
        int i = 1;
        for (Object value : parameters) {
            if (value == null) {
                ps.setNull(i, Types.NULL);
            } else if (value instanceof LocalDate d) {
                ps.setObject(i, d);
            } else if (value instanceof Instant t) {
                ps.setTimestamp(i, Timestamp.from(t));
            } else if (value instanceof Collection<?> c) {
                Array array = ps.getConnection().createArrayOf("text", c.stream().map(String::valueOf).toArray());
                ps.setArray(i, array);
            } else {
                ps.setObject(i, value);
            }
            i++;
        }
    }
}
