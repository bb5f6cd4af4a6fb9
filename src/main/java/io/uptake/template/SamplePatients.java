package io.uptake.template;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.util.Optional;

/** Looks up the patient a preview is rendered for, within the caller's PCN (another PCN's patient is not found). */
@Singleton
class SamplePatients {
    private final JdbcOperations jdbc;

    SamplePatients(JdbcOperations jdbc) {
        this.jdbc = jdbc;
    }

    record Sample(String language, Placeholders placeholders, long pcnId) {
    }

    @Transactional(readOnly = true)
    Optional<Sample> find(String nhsNumber, Long pcnScope) {
        return jdbc.prepareStatement("""
                SELECT p.given_name, p.language, pr.name, pr.phone, pr.pcn_id
                FROM patient p JOIN practice pr ON pr.code = p.practice_code
                WHERE p.nhs_number = ? AND (CAST(? AS bigint) IS NULL OR pr.pcn_id = CAST(? AS bigint))""", ps -> {
            ps.setString(1, nhsNumber);
            ps.setObject(2, pcnScope);
            ps.setObject(3, pcnScope);
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Sample(rs.getString(2),
                        new Placeholders(rs.getString(1), rs.getString(3), rs.getString(4), null), rs.getLong(5)));
            }
        });
    }
}
