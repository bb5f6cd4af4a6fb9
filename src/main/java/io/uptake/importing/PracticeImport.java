package io.uptake.importing;

import io.uptake.user.PcnRepository;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Practices and the PCNs they belong to (created by name). A CCC imports only into their own PCN. */
@Singleton
class PracticeImport extends ImportKind {
    private static final int CODE = 0, NAME = 1, PHONE = 2, PCN = 3, ADDRESS_1 = 4, ADDRESS_2 = 5, TOWN = 6, POSTCODE = 7;
    private static final List<Column> COLUMNS = List.of(
            new Column("practice_code", true, "practicecode", "odscode", "code", "practiceodscode", "organisationcode"),
            new Column("name", true, "name", "practicename"),
            new Column("phone", false, "phone", "telephone", "phonenumber", "practicephone", "telephonenumber"),
            new Column("pcn", false, "pcn", "pcnname", "primarycarenetwork"),
            // The address that heads the practice's letters (issue 14).
            new Column("address_line_1", false, "addressline1", "address1", "address", "street"),
            new Column("address_line_2", false, "addressline2", "address2", "locality", "district"),
            new Column("town", false, "town", "city", "posttown", "addressline3", "address3"),
            new Column("postcode", false, "postcode", "postalcode"));
    private final PcnRepository pcns;

    PracticeImport(PcnRepository pcns) {
        this.pcns = pcns;
    }

    @Override
    String name() {
        return "practices";
    }

    @Override
    List<Column> columns() {
        return COLUMNS;
    }

    @Override
    String stageColumns() {
        return "practice_code TEXT, name TEXT, phone TEXT, pcn TEXT, address_line_1 TEXT, address_line_2 TEXT, town TEXT,"
                + " postcode TEXT";
    }

    @Override
    int stageWidth() {
        return 8;
    }

    @Override
    void stage(Row row, Context context, CopyBuffer out) throws Rejected {
        String code = required(row, CODE, "practice_code").toUpperCase(Locale.ROOT);
        if (!code.matches("[A-Z0-9]{3,10}")) {
            throw reject("practice_code", "'" + code + "' is not an ODS code (like P84001)");
        }
        String name = required(row, NAME, "name");
        String pcn = row.get(PCN);
        if (context.user().pcnScope() != null) {
            if (pcn.isEmpty()) {
                pcn = context.ownPcnName();
            } else if (!pcn.equalsIgnoreCase(context.ownPcnName())) {
                throw reject("pcn", "you can import practices only into your own PCN (" + context.ownPcnName() + ")");
            } else {
                pcn = context.ownPcnName();
            }
        } else if (pcn.isEmpty()) {
            throw reject("pcn", "pcn is empty: every practice belongs to a PCN");
        }
        String phone = row.get(PHONE);
        String postcode = row.get(POSTCODE).toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
        out.field(code).field(name).field(phone.isEmpty() ? null : phone).field(pcn)
                .field(orNull(row.get(ADDRESS_1))).field(orNull(row.get(ADDRESS_2))).field(orNull(row.get(TOWN)))
                .last(orNull(postcode));
    }

    private static String orNull(String value) {
        return value.isEmpty() ? null : value;
    }

    @Override
    Counts apply(Connection c, Context context) throws SQLException {
        rejectEarlierRepeats(c, "practice_code", "practice_code");
        Long pcn = context.user().pcnScope();
        if (pcn != null) {
            update(c, """
                    UPDATE import_stage s SET error_field = 'practice_code',
                           error_message = 'practice ' || s.practice_code || ' belongs to another PCN'
                    FROM practice pr WHERE s.error_message IS NULL AND pr.code = s.practice_code AND pr.pcn_id <> ?""", pcn);
        }
        List<String> names = new ArrayList<>();
        try (var st = c.createStatement();
             var rs = st.executeQuery("SELECT DISTINCT pcn FROM import_stage WHERE error_message IS NULL")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        for (String name : names) {
            pcns.ensure(name, context.now());
        }
        Timestamp now = Timestamp.from(context.now());
        return counts(c, """
                WITH up AS (
                    INSERT INTO practice (code, name, phone, pcn_id, address_line_1, address_line_2, town, postcode,
                                          created_at, updated_at)
                    SELECT s.practice_code, s.name, s.phone, n.id, s.address_line_1, s.address_line_2, s.town,
                           s.postcode, ?, ?
                    FROM import_stage s JOIN pcn n ON n.name = s.pcn
                    WHERE s.error_message IS NULL
                    ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone,
                        pcn_id = EXCLUDED.pcn_id, address_line_1 = EXCLUDED.address_line_1,
                        address_line_2 = EXCLUDED.address_line_2, town = EXCLUDED.town, postcode = EXCLUDED.postcode,
                        updated_at = EXCLUDED.updated_at
                    WHERE (practice.name, practice.phone, practice.pcn_id, practice.address_line_1,
                           practice.address_line_2, practice.town, practice.postcode)
                          IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.phone, EXCLUDED.pcn_id, EXCLUDED.address_line_1,
                           EXCLUDED.address_line_2, EXCLUDED.town, EXCLUDED.postcode)
                    RETURNING (xmax = 0) AS inserted)
                SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up""", now, now);
    }
}
