package io.uptake.cohort;

import io.uptake.audit.AuditLog;
import io.uptake.export.SpreadsheetCsv;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.List;

/** The cohort as a CSV a CCC can work from, audited as an export of patient data. */
@Singleton
class CohortCsv {
    private static final String[] HEADER = {"nhs_number", "given_name", "family_name", "age", "sex", "practice_code",
            "language", "message_language", "mobile", "eligible", "exclusions"};
    private final Cohorts cohorts;
    private final AuditLog audit;

    CohortCsv(Cohorts cohorts, AuditLog audit) {
        this.cohorts = cohorts;
        this.audit = audit;
    }

    record Export(String filename, String body, int rows) {
    }

    Export export(String programme, LocalDate asOf, CurrentUser user) {
        List<CohortMember> members = cohorts.members(programme, asOf, user.pcnScope());
        StringWriter out = new StringWriter();
        try (CSVPrinter printer = CSVFormat.DEFAULT.builder().setHeader(HEADER).get().print(out)) {
            for (CohortMember m : members) {
                printer.printRecord(m.nhsNumber(), cell(m.givenName()), cell(m.familyName()), m.age(), m.sex(),
                        m.practiceCode(), m.language(), m.messageLanguage(), m.mobile() == null ? "" : m.mobile(),
                        m.eligible() ? "yes" : "no", String.join(";", m.exclusions()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        audit.recordForPractices(user, members.stream().map(CohortMember::practiceCode).toList(),
                "COHORT_EXPORTED", "cohort:" + programme, "asOf=" + asOf + " rows=" + members.size());
        return new Export(programme + "-" + asOf + ".csv", out.toString(), members.size());
    }

    /** Names are free text from the import: defused as in every export. */
    private static String cell(String value) {
        return SpreadsheetCsv.text(value);
    }
}
