package io.uptake.importing;

import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/**
 * Coded events: by vocabulary type, or by a SNOMED CT code that the code list maps. A repeated event
 * (same patient, date, type and value) is unchanged. An imported SMS_OPT_OUT also enters the opt-out
 * ledger, once: only a newly inserted event adds a ledger entry.
 */
@Singleton
class EventImport extends ImportKind {
    private static final int NHS = 0, DATE = 1, TYPE = 2, VALUE = 3, CODE = 4;
    private static final List<Column> COLUMNS = List.of(
            new Column("nhs_number", true, "nhsnumber", "nhsno", "nhs", "patientnhsnumber"),
            new Column("event_date", true, "eventdate", "date", "codedate", "effectivedate", "recordeddate",
                    "consultationdate", "dateofevent"),
            new Column("event_type", false, "eventtype", "type", "event"),
            new Column("value", false, "value", "result", "numericvalue", "resultvalue"),
            new Column("code", false, "code", "snomedcode", "snomedctcode", "conceptid", "snomedconceptid", "snomed",
                    "snomedct"));

    private static final java.util.regex.Pattern SEPARATORS = java.util.regex.Pattern.compile("[\\s-]+");

    @Override
    String name() {
        return "events";
    }

    @Override
    List<Column> columns() {
        return COLUMNS;
    }

    @Override
    String stageColumns() {
        return "nhs_number CHAR(10), event_date DATE, event_type TEXT, value TEXT, code TEXT";
    }

    @Override
    int stageWidth() {
        return 5;
    }

    @Override
    void stage(Row row, Context context, CopyBuffer out) throws Rejected {
        String nhs = nhsNumber(row, NHS);
        LocalDate date = pastDate(row, DATE, "event_date", context.today());
        String type = SEPARATORS.matcher(row.get(TYPE).toUpperCase(Locale.ROOT)).replaceAll("_");
        String code = row.get(CODE);
        String value = row.get(VALUE);
        if (!type.isEmpty()) {
            if (!EventCodeList.VOCABULARY.contains(type)) {
                throw reject("event_type", "unknown event type '" + row.get(TYPE) + "'");
            }
        } else if (!code.isEmpty()) {
            EventCodeList.Mapping mapping = context.codes().lookup(code);
            if (mapping == null) {
                throw reject("code", "code " + code + " is not in the event code list " + context.codes().version()
                        + ": give an event_type or ask for the code to be added");
            }
            type = mapping.eventType();
            if (value.isEmpty()) {
                value = mapping.value();
            }
        } else {
            throw reject("event_type", "neither event_type nor code is given");
        }
        if (type.equals("URGENT_REFERRAL") || type.equals("CANCER_DIAGNOSED")) {
            value = value.toLowerCase(Locale.ROOT);
        }
        out.field(nhs).field(date.toString()).field(type).field(value).last(code.isEmpty() ? null : code);
    }

    @Override
    Counts apply(Connection c, Context context) throws SQLException {
        Long pcn = context.user().pcnScope();
        String inScope = pcn == null
                ? "SELECT 1 FROM patient p WHERE p.nhs_number = s.nhs_number"
                : "SELECT 1 FROM patient p JOIN practice pr ON pr.code = p.practice_code"
                  + " WHERE p.nhs_number = s.nhs_number AND pr.pcn_id = " + pcn.longValue();
        update(c, """
                UPDATE import_stage s SET error_field = 'nhs_number',
                       error_message = 'no patient with this NHS number in your practices: import the patient first',
                       raw = concat_ws(',', s.nhs_number, s.event_date, s.event_type, s.value, s.code)
                WHERE s.error_message IS NULL AND NOT EXISTS (%s)""".formatted(inScope));
        Timestamp now = Timestamp.from(context.now());
        long inserted = counts(c, """
                WITH ins AS (
                    INSERT INTO event (patient_id, event_date, event_type, value, code, imported_at)
                    SELECT p.id, s.event_date, s.event_type, s.value, s.code, ?
                    FROM import_stage s JOIN patient p ON p.nhs_number = s.nhs_number
                    WHERE s.error_message IS NULL
                    ON CONFLICT (patient_id, event_date, event_type, value) DO NOTHING
                    RETURNING id, patient_id, event_type, event_date),
                opt AS (
                    INSERT INTO opt_out_ledger (at, patient_id, action, source, reference, recorded_by)
                    SELECT (event_date::timestamp AT TIME ZONE ?), patient_id, 'OPT_OUT', 'IMPORTED', 'event:' || id, ?
                    FROM ins WHERE event_type = 'SMS_OPT_OUT'
                    RETURNING 1)
                SELECT count(*), (SELECT count(*) FROM opt) FROM ins""",
                now, context.timezone(), context.user().username()).inserted();
        return new Counts(inserted, 0);
    }
}
