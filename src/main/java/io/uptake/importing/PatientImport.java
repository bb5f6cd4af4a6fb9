package io.uptake.importing;

import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;

/** Patients: upsert by NHS number into practices the caller may import into. */
@Singleton
class PatientImport extends ImportKind {
    private static final int NHS = 0, GIVEN = 1, FAMILY = 2, DOB = 3, SEX = 4, MOBILE = 5, LANGUAGE = 6, ETHNICITY = 7,
            POSTCODE = 8, IMD = 9, PRACTICE = 10, ADDRESS_1 = 11, ADDRESS_2 = 12, TOWN = 13, TELEPHONE = 14;
    private static final List<Column> COLUMNS = List.of(
            new Column("nhs_number", true, "nhsnumber", "nhsno", "nhs", "patientnhsnumber"),
            new Column("given_name", true, "givenname", "forename", "forenames", "firstname", "givennames"),
            new Column("family_name", true, "familyname", "surname", "lastname"),
            new Column("date_of_birth", true, "dateofbirth", "dob", "birthdate"),
            new Column("sex", false, "sex", "gender"),
            new Column("mobile", false, "mobile", "mobiletelephone", "mobilenumber", "mobilephone",
                    "mobiletelephonenumber", "mobilephonenumber", "telephonemobile", "contactmobile"),
            new Column("language", false, "language", "mainspokenlanguage", "mainlanguage", "firstlanguage",
                    "preferredlanguage", "spokenlanguage"),
            new Column("ethnicity", false, "ethnicity", "ethnicorigin", "ethnicgroup", "ethnicitydescription",
                    "ethniccategory"),
            new Column("postcode", false, "postcode", "postalcode"),
            new Column("imd_decile", false, "imddecile", "imd", "deprivationdecile", "imd2019decile"),
            new Column("practice_code", true, "practicecode", "usualgppracticecode", "registeredpracticecode",
                    "odscode", "practiceodscode", "gppracticecode", "usualgppractice", "registeredpractice"),
            // The postal address, for letters (issue 14). EMIS and SystmOne exports name the lines both ways.
            new Column("address_line_1", false, "addressline1", "address1", "addressline", "address", "street",
                    "houseandstreet", "patientaddressline1", "firstlineofaddress"),
            new Column("address_line_2", false, "addressline2", "address2", "locality", "district",
                    "patientaddressline2", "secondlineofaddress"),
            new Column("town", false, "town", "city", "posttown", "towncity", "addressline3", "address3"),
            // A number to call (issue 14): the home phone of EMIS and SystmOne exports, or a plain "Telephone".
            // None of these names a mobile: those are the mobile column's aliases, matched as such.
            new Column("telephone", false, "telephone", "telephonenumber", "telephoneno", "tel", "telno", "phone",
                    "phonenumber", "phoneno", "homephone", "homephonenumber", "hometelephone", "hometelephonenumber",
                    "telephonehome", "landline", "landlinenumber", "landlinetelephone", "contactnumber",
                    "contacttelephone", "contactphone", "daytimephone", "daytimetelephone", "patienttelephone",
                    "patientphone"));

    /**
     * The one refusal for a practice the caller may not import into, and for a patient registered with another
     * PCN's practice: a different message for the second would tell a CCC that the NHS number is another PCN's
     * patient. Either way an ADMIN imports the patient (or their change of practice).
     */
    private static final String UNKNOWN_PRACTICE = "unknown practice code '%s': import the practice first";
    private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile("\\s+");

    @Override
    String name() {
        return "patients";
    }

    @Override
    List<Column> columns() {
        return COLUMNS;
    }

    @Override
    String stageColumns() {
        return """
                nhs_number CHAR(10), given_name TEXT, family_name TEXT, date_of_birth DATE, sex CHAR(1), mobile TEXT,
                mobile_problem TEXT, language TEXT, ethnicity TEXT, ethnicity_group TEXT, postcode TEXT,
                imd_decile SMALLINT, practice_code TEXT, address_line_1 TEXT, address_line_2 TEXT, town TEXT,
                telephone TEXT, telephone_problem TEXT""";
    }

    @Override
    int stageWidth() {
        return 18;
    }

    /**
     * A telephone that is not a UK landline or mobile is left out of the row, which is imported without it (as a
     * mobile that cannot take texts is): a typing slip in a home phone must not keep a patient off the record, and
     * so out of every cohort. The line is in the answer, so the CCC can correct it.
     */
    @Override
    String leftOutValues() {
        return """
                SELECT line, 'telephone', telephone_problem FROM import_stage
                WHERE error_message IS NULL AND telephone_problem IS NOT NULL""";
    }

    @Override
    void stage(Row row, Context context, CopyBuffer out) throws Rejected {
        String nhs = nhsNumber(row, NHS);
        String given = required(row, GIVEN, "given_name");
        String family = required(row, FAMILY, "family_name");
        LocalDate dob = pastDate(row, DOB, "date_of_birth", context.today());
        char sex;
        String language;
        Short imd;
        try {
            sex = Fields.sex(row.get(SEX));
        } catch (Fields.Invalid e) {
            throw reject("sex", e.getMessage());
        }
        try {
            language = Fields.language(row.get(LANGUAGE));
        } catch (Fields.Invalid e) {
            throw reject("language", e.getMessage());
        }
        try {
            imd = Fields.imdDecile(row.get(IMD)).orElse(null);
        } catch (Fields.Invalid e) {
            throw reject("imd_decile", e.getMessage());
        }
        String practice = required(row, PRACTICE, "practice_code").toUpperCase(java.util.Locale.ROOT);
        if (!context.practicesInScope().contains(practice)) {
            // The same words whether the practice does not exist or belongs to another PCN: reveal nothing.
            throw reject("practice_code", UNKNOWN_PRACTICE.formatted(practice));
        }
        String ethnicity = row.get(ETHNICITY);
        MobileNumbers.Mobile mobile = MobileNumbers.read(row.get(MOBILE));
        Telephones.Telephone telephone = Telephones.read(row.get(TELEPHONE));
        String phone = telephone.e164();
        if (phone == null && mobile.e164() == null) {
            // A landline exported in the mobile column cannot take a text, but it can be called: it is the
            // patient's telephone unless the file gives one.
            phone = Telephones.read(row.get(MOBILE)).e164();
        }
        String postcode = SPACES.matcher(row.get(POSTCODE).toUpperCase(java.util.Locale.ROOT)).replaceAll(" ");
        out.field(nhs).field(given).field(family).field(dob.toString()).field(String.valueOf(sex))
                .field(mobile.e164()).field(mobile.problem()).field(language)
                .field(ethnicity.isEmpty() ? null : ethnicity).field(Fields.ethnicityGroup(ethnicity))
                .field(postcode.isEmpty() ? null : postcode).field(imd == null ? null : imd.toString())
                .field(practice).field(orNull(row.get(ADDRESS_1))).field(orNull(row.get(ADDRESS_2)))
                .field(orNull(row.get(TOWN))).field(phone).last(telephone.problem());
    }

    private static String orNull(String value) {
        return value.isEmpty() ? null : value;
    }

    @Override
    Counts apply(Connection c, Context context) throws SQLException {
        rejectEarlierRepeats(c, "nhs_number", "nhs_number");
        Long pcn = context.user().pcnScope();
        if (pcn != null) {
            // A CCC may not move a patient out of another PCN, nor overwrite that PCN's record; refused in the
            // words of an unknown practice, so that the refusal does not say the patient exists elsewhere.
            update(c, """
                    UPDATE import_stage s SET error_field = 'practice_code',
                           error_message = format(?, s.practice_code)
                    FROM patient p JOIN practice pr ON pr.code = p.practice_code
                    WHERE s.error_message IS NULL AND p.nhs_number = s.nhs_number AND pr.pcn_id <> ?""",
                    UNKNOWN_PRACTICE, pcn); // PostgreSQL format() reads the same %s
        }
        Timestamp now = Timestamp.from(context.now());
        // One statement: new NHS numbers insert, changed rows update, identical rows are left alone
        // (the WHERE of DO UPDATE), and xmax = 0 tells an inserted row from an updated one.
        return counts(c, """
                WITH up AS (
                    INSERT INTO patient (nhs_number, given_name, family_name, date_of_birth, sex, mobile, mobile_problem,
                                         language, ethnicity, ethnicity_group, postcode, imd_decile, practice_code,
                                         address_line_1, address_line_2, town, telephone, created_at, updated_at)
                    SELECT nhs_number, given_name, family_name, date_of_birth, sex, mobile, mobile_problem, language,
                           ethnicity, ethnicity_group, postcode, imd_decile, practice_code, address_line_1,
                           address_line_2, town, telephone, ?, ?
                    FROM import_stage WHERE error_message IS NULL
                    ON CONFLICT (nhs_number) DO UPDATE SET
                        given_name = EXCLUDED.given_name, family_name = EXCLUDED.family_name,
                        date_of_birth = EXCLUDED.date_of_birth, sex = EXCLUDED.sex, mobile = EXCLUDED.mobile,
                        mobile_problem = EXCLUDED.mobile_problem, language = EXCLUDED.language,
                        ethnicity = EXCLUDED.ethnicity, ethnicity_group = EXCLUDED.ethnicity_group,
                        postcode = EXCLUDED.postcode, imd_decile = EXCLUDED.imd_decile,
                        practice_code = EXCLUDED.practice_code, address_line_1 = EXCLUDED.address_line_1,
                        address_line_2 = EXCLUDED.address_line_2, town = EXCLUDED.town,
                        telephone = EXCLUDED.telephone, updated_at = EXCLUDED.updated_at
                    WHERE (patient.given_name, patient.family_name, patient.date_of_birth, patient.sex, patient.mobile,
                           patient.mobile_problem, patient.language, patient.ethnicity, patient.ethnicity_group,
                           patient.postcode, patient.imd_decile, patient.practice_code, patient.address_line_1,
                           patient.address_line_2, patient.town, patient.telephone)
                          IS DISTINCT FROM
                          (EXCLUDED.given_name, EXCLUDED.family_name, EXCLUDED.date_of_birth, EXCLUDED.sex, EXCLUDED.mobile,
                           EXCLUDED.mobile_problem, EXCLUDED.language, EXCLUDED.ethnicity, EXCLUDED.ethnicity_group,
                           EXCLUDED.postcode, EXCLUDED.imd_decile, EXCLUDED.practice_code, EXCLUDED.address_line_1,
                           EXCLUDED.address_line_2, EXCLUDED.town, EXCLUDED.telephone)
                    RETURNING (xmax = 0) AS inserted)
                SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up""", now, now);
    }
}
