package io.uptake.patient;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.audit.AuditLog;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reading patients, always within the caller's PCN, and auditing who looked. */
@Singleton
public class PatientDirectory {
    private final JdbcOperations jdbc;
    private final AuditLog audit;

    PatientDirectory(JdbcOperations jdbc, AuditLog audit) {
        this.jdbc = jdbc;
        this.audit = audit;
    }

    @Serdeable
    public record PatientView(String nhsNumber, String givenName, String familyName, LocalDate dateOfBirth, String sex,
                              @Nullable String mobile, @Nullable String mobileProblem, String language,
                              @Nullable String ethnicity, String ethnicityGroup, @Nullable String postcode,
                              @Nullable Integer imdDecile, String practiceCode, String practiceName,
                              @Nullable String addressLine1, @Nullable String addressLine2, @Nullable String town,
                              @Nullable String telephone) {
    }

    @Serdeable
    public record EventView(LocalDate date, String type, String value, @Nullable String code) {
    }

    @Serdeable
    public record PatientPage(String q, int page, int size, long total, List<PatientView> patients) {
    }

    @Serdeable
    public record PatientRecord(PatientView patient, List<EventView> events) {
    }

    private static final String COLUMNS = """
            p.nhs_number, p.given_name, p.family_name, p.date_of_birth, p.sex, p.mobile, p.mobile_problem, p.language,
            p.ethnicity, p.ethnicity_group, p.postcode, p.imd_decile, p.practice_code, pr.name AS practice_name,
            p.address_line_1, p.address_line_2, p.town, p.telephone""";

    /**
     * Patients of the caller's PCN whose NHS number starts with the digits of {@code q}, or whose given or
     * family name contains {@code q}; ordered by family name.
     */
    @Transactional
    public PatientPage search(@Nullable String q, int page, int size, CurrentUser user) {
        String query = q == null ? "" : q.trim();
        String digits = query.replaceAll("[\\s-]", "");
        boolean byNumber = !digits.isEmpty() && digits.matches("\\d+");
        String filter = query.isEmpty() ? "TRUE"
                : byNumber ? "p.nhs_number LIKE ?"
                : "(p.family_name ILIKE ? OR p.given_name ILIKE ? OR (p.given_name || ' ' || p.family_name) ILIKE ?)";
        String pattern = byNumber ? digits + "%" : "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        String where = " FROM patient p JOIN practice pr ON pr.code = p.practice_code"
                + " WHERE (CAST(? AS BIGINT) IS NULL OR pr.pcn_id = ?) AND " + filter;
        long total = jdbc.prepareStatement("SELECT count(*)" + where, ps -> {
            int i = bindScope(ps, user, 1);
            bindFilter(ps, i, query, byNumber, pattern);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        List<PatientView> patients = jdbc.prepareStatement("SELECT " + COLUMNS + where
                + " ORDER BY p.family_name, p.given_name, p.nhs_number LIMIT ? OFFSET ?", ps -> {
            int i = bindScope(ps, user, 1);
            i = bindFilter(ps, i, query, byNumber, pattern);
            ps.setInt(i++, size);
            ps.setLong(i, (long) page * size);
            List<PatientView> list = new ArrayList<>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(view(rs));
                }
            }
            return list;
        });
        audit.recordForPractices(user, patients.stream().map(PatientView::practiceCode).toList(), "VIEW_PATIENT_LIST", "patients", "q=" + (byNumber ? NhsNumber.mask(digits) : query.isEmpty() ? "" : "name search")
                + " page=" + page + " shown=" + patients.size() + " of " + total);
        return new PatientPage(query, page, size, total, patients);
    }

    /** One patient with their events, or empty when unknown or of another PCN. */
    @Transactional
    public Optional<PatientRecord> find(String nhsNumber, CurrentUser user) {
        String digits = NhsNumber.normalise(nhsNumber);
        Optional<PatientView> patient = jdbc.prepareStatement("SELECT " + COLUMNS
                + " FROM patient p JOIN practice pr ON pr.code = p.practice_code"
                + " WHERE p.nhs_number = ? AND (CAST(? AS BIGINT) IS NULL OR pr.pcn_id = ?)", ps -> {
            ps.setString(1, digits);
            bindScope(ps, user, 2);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(view(rs)) : Optional.<PatientView>empty();
            }
        });
        if (patient.isEmpty()) {
            return Optional.empty();
        }
        List<EventView> events = jdbc.prepareStatement("""
                SELECT e.event_date, e.event_type, e.value, e.code FROM event e JOIN patient p ON p.id = e.patient_id
                WHERE p.nhs_number = ? ORDER BY e.event_date DESC, e.event_type""", ps -> {
            ps.setString(1, digits);
            List<EventView> list = new ArrayList<>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new EventView(rs.getObject(1, LocalDate.class), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
            return list;
        });
        audit.recordForPractices(user, List.of(patient.get().practiceCode()), "VIEW_PATIENT",
                "patient:" + NhsNumber.mask(digits), null);
        return Optional.of(new PatientRecord(patient.get(), events));
    }

    private static int bindScope(java.sql.PreparedStatement ps, CurrentUser user, int i) throws SQLException {
        ps.setObject(i, user.pcnScope());
        ps.setObject(i + 1, user.pcnScope());
        return i + 2;
    }

    private static int bindFilter(java.sql.PreparedStatement ps, int i, String query, boolean byNumber, String pattern)
            throws SQLException {
        if (query.isEmpty()) {
            return i;
        }
        ps.setString(i++, pattern);
        if (!byNumber) {
            ps.setString(i++, pattern);
            ps.setString(i++, pattern);
        }
        return i;
    }

    private static PatientView view(ResultSet rs) throws SQLException {
        Object imd = rs.getObject("imd_decile");
        return new PatientView(rs.getString("nhs_number"), rs.getString("given_name"), rs.getString("family_name"),
                rs.getObject("date_of_birth", LocalDate.class), rs.getString("sex"), rs.getString("mobile"),
                rs.getString("mobile_problem"), rs.getString("language"), rs.getString("ethnicity"),
                rs.getString("ethnicity_group"), rs.getString("postcode"),
                imd == null ? null : ((Number) imd).intValue(), rs.getString("practice_code"), rs.getString("practice_name"),
                rs.getString("address_line_1"), rs.getString("address_line_2"), rs.getString("town"),
                rs.getString("telephone"));
    }
}
