package io.uptake.importing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.NhsNumbers;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@MicronautTest(transactional = false)
class ImportApiTest {
    static final Charset CP1252 = Charset.forName("windows-1252");
    static final String PRACTICES = """
            practice_code,name,phone,pcn
            Y00001,Moss Side Health Centre,0161 496 0001,North PCN
            Y00002,"Rusholme Surgery, Upper Floor",0161 496 0002,North PCN
            Y00003,Gorton Medical Practice,0161 496 0003,South PCN
            """;

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;

    BlockingHttpClient http;
    Api api;
    String admin;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        http = client.toBlocking();
        api = new Api(http);
        admin = api.adminToken();
    }

    Map<String, Object> post(String kind, byte[] body, String token) {
        HttpResponse<Map<String, Object>> response = http.exchange(Api.csv(HttpRequest.POST("/api/imports/" + kind, body))
                .bearerAuth(token), Argument.mapOf(String.class, Object.class));
        assertThat(response.getStatus().getCode()).isEqualTo(200);
        return response.body();
    }

    Map<String, Object> post(String kind, String body, String token) {
        return post(kind, body.getBytes(StandardCharsets.UTF_8), token);
    }

    static Map<String, Object> counts(long received, long inserted, long updated, long unchanged, long rejected) {
        return Map.of("received", received, "inserted", inserted, "updated", updated, "unchanged", unchanged,
                "rejected", rejected);
    }

    static void assertCounts(Map<String, Object> result, long received, long inserted, long updated, long unchanged,
                             long rejected) {
        assertThat(Map.of("received", num(result, "received"), "inserted", num(result, "inserted"),
                "updated", num(result, "updated"), "unchanged", num(result, "unchanged"), "rejected", num(result, "rejected")))
                .isEqualTo(counts(received, inserted, updated, unchanged, rejected));
    }

    static long num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).longValue();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> errors(Map<String, Object> result) {
        return (List<Map<String, Object>>) result.get("errors");
    }

    static String error(Map<String, Object> result, int line) {
        return errors(result).stream().filter(e -> num(e, "line") == line)
                .map(e -> e.get("field") + ": " + e.get("message")).findFirst().orElse("(accepted)");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> patient(String nhs, String token) {
        Map<String, Object> body = http.retrieve(HttpRequest.GET("/api/patients/" + nhs).bearerAuth(token),
                Argument.mapOf(String.class, Object.class));
        return (Map<String, Object>) body.get("patient");
    }

    @Test
    void practicesCreatePcnsAndReimportChangesNothing() {
        assertCounts(post("practices", PRACTICES, admin), 3, 3, 0, 0, 0);
        assertCounts(post("practices", PRACTICES, admin), 3, 0, 0, 3, 0);
        assertCounts(post("practices", PRACTICES.replace("0161 496 0003", "0161 496 0999"), admin), 3, 0, 1, 2, 0);
        // PCNs now exist by name: users can be created in them.
        api.user("ccc.south", "CCC", "South PCN");
    }

    @Test
    void messyEmisExportInWindows1252WithEveryCase() {
        post("practices", PRACTICES, admin);
        String sian = NhsNumbers.next(), smith = NhsNumbers.next(), khan = NhsNumbers.next(), future = NhsNumbers.next(),
                lost = NhsNumbers.next(), badDate = NhsNumbers.next(), none = NhsNumbers.next(), polish = NhsNumbers.next();
        String spaced = sian.substring(0, 3) + " " + sian.substring(3, 6) + " " + sian.substring(6);
        String csv = String.join("\r\n",
                "\"NHS Number\",Forename,Surname,Date of Birth,Gender,Mobile Telephone,Main Spoken Language,Ethnicity,Postcode,IMD Decile,Usual GP Practice Code",
                spaced + ",Siân,\"O’Neill\",01/03/1960,Female,07700 900001,Urdu,\"Black or Black British - African\",M1 1AA,3,Y00001",
                smith + ",John,\"Smith, Jr\",1955-06-15,M,0161 496 0123,Panjabi,Caribbean,m2  2bb,10,y00001",
                khan + ",Ayesha,Khan,01-Mar-1970,F,+33 6 12 34 56 78,ur,Pakistani,,,Y00001",
                "9434765918,Bad,Number,01/01/1970,F,07700900002,en,White British,,,Y00001",
                future + ",Future,Baby,01/01/2999,U,,,,,,Y00001",
                "",
                lost + ",Lost,Practice,01/01/1970,M,07700900003,English,,,,Z99999",
                badDate + ",Bad,Date,31/02/1970,M,07700900004,English,,,,Y00001",
                none + ",No,Phone,12-sep-1948,Man,,Sylheti,Not stated,,,Y00002",
                polish + ",Żaneta,Wójcik,1980-01-01,Woman,+44 7700 900005,Polish,Any other White background,,11,Y00001",
                "");
        Map<String, Object> result = post("patients", csv.getBytes(CP1252), admin);
        // Ż, ó and ć are not in Windows-1252: the first import of the Polish row is a question-marked name,
        // so that row goes in as UTF-8 below. Here it is only rejected for its IMD decile.
        assertCounts(result, 9, 4, 0, 0, 5);
        assertThat(error(result, 5)).isEqualTo("nhs_number: not a valid NHS number (fails the Modulus 11 check)");
        assertThat(error(result, 6)).isEqualTo("date_of_birth: date_of_birth 2999-01-01 is in the future");
        assertThat(error(result, 8)).isEqualTo("practice_code: unknown practice code 'Z99999': import the practice first");
        assertThat(error(result, 9)).contains("date_of_birth: '31/02/1970' is not a date");
        assertThat(error(result, 11)).startsWith("imd_decile: '11' is not an IMD decile");
        assertThat(result.get("rejectedCsv")).isEqualTo("/api/imports/" + num(result, "id") + "/rejected.csv");

        Map<String, Object> p = patient(sian, admin);
        assertThat(p).containsEntry("givenName", "Siân").containsEntry("familyName", "O’Neill")
                .containsEntry("dateOfBirth", "1960-03-01").containsEntry("sex", "F")
                .containsEntry("mobile", "+447700900001").containsEntry("language", "ur")
                .containsEntry("ethnicityGroup", "BLACK").containsEntry("imdDecile", 3);
        assertThat(patient(smith, admin).get("mobile")).isNull();
        assertThat(patient(smith, admin)).containsEntry("familyName", "Smith, Jr")
                .containsEntry("mobileProblem", "landline: cannot receive SMS").containsEntry("language", "pa")
                .containsEntry("ethnicityGroup", "BLACK").containsEntry("postcode", "M2 2BB")
                .containsEntry("practiceCode", "Y00001");
        assertThat(patient(khan, admin)).containsEntry("mobileProblem", "non-UK number (FR): cannot be texted")
                .containsEntry("ethnicityGroup", "ASIAN").containsEntry("dateOfBirth", "1970-03-01");
        assertThat(patient(none, admin)).containsEntry("mobileProblem", "no mobile number").containsEntry("sex", "M")
                .containsEntry("language", "bn").containsEntry("ethnicityGroup", "UNKNOWN")
                .containsEntry("dateOfBirth", "1948-09-12");

        // The same rows again, as UTF-8 with a BOM and LF endings: nothing changes.
        String utf8 = "\uFEFF" + csv.replace("\r\n", "\n");
        Map<String, Object> again = post("patients", utf8.getBytes(StandardCharsets.UTF_8), admin);
        assertCounts(again, 9, 0, 0, 4, 5);
        String fixed = utf8.replace(",11,Y00001", ",9,Y00001");
        Map<String, Object> third = post("patients", fixed.getBytes(StandardCharsets.UTF_8), admin);
        assertCounts(third, 9, 1, 0, 4, 4);
        assertThat(patient(polish, admin)).containsEntry("givenName", "Żaneta").containsEntry("familyName", "Wójcik")
                .containsEntry("language", "pl").containsEntry("ethnicityGroup", "WHITE").containsEntry("sex", "F");

        // The download holds every rejected row with its line, reason and the row as it was.
        String download = http.retrieve(HttpRequest.GET("/api/imports/" + num(third, "id") + "/rejected.csv")
                .bearerAuth(admin), String.class);
        List<String> lines = download.lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).isEqualTo("line,field,reason,row");
        assertThat(lines.get(1)).startsWith("5,nhs_number,not a valid NHS number").contains("9434765918,Bad,Number");
    }

    @SuppressWarnings("unchecked")
    static String leftOut(Map<String, Object> result, int line) {
        return ((List<Map<String, Object>>) result.get("leftOut")).stream().filter(e -> num(e, "line") == line)
                .map(e -> e.get("field") + ": " + e.get("message")).findFirst().orElse("(kept)");
    }

    /**
     * Issue 14: an optional telephone column, under the names GP exports give a home phone, read as any UK landline
     * or mobile into E.164 for the call list. A value that is not one is left out of its row, which is imported
     * without it and named (line, column, why) in the answer; a landline in the mobile column becomes the
     * telephone; the same file again changes nothing.
     */
    @Test
    void aTelephoneIsAnyUkLandlineOrMobileAndABadOneIsLeftOutOfItsImportedRow() {
        post("practices", PRACTICES, admin);
        String both = NhsNumbers.next(), london = NhsNumbers.next(), brackets = NhsNumbers.next(),
                short_ = NhsNumbers.next(), premium = NhsNumbers.next(), french = NhsNumbers.next(),
                inMobile = NhsNumbers.next(), words = NhsNumbers.next(), noArea = NhsNumbers.next();
        String csv = "NHS Number,Forename,Surname,Date of Birth,Mobile Telephone,Home Telephone,Usual GP Practice Code\n"
                + both + ",Ann,Both,1960-01-01,07700 900011,0161 496 0011,Y00001\n"
                + london + ",Bea,London,1960-01-01,,020 7946 0012,Y00001\n"
                + brackets + ",Cal,Brackets,1960-01-01,,(0161) 496-0013,Y00001\n"
                + short_ + ",Dee,Short,1960-01-01,,0161 496,Y00001\n"
                + premium + ",Eve,Premium,1960-01-01,,0909 879 0015,Y00001\n"
                + french + ",Fay,France,1960-01-01,,+33 1 23 45 67 89,Y00001\n"
                + inMobile + ",Gus,Landline,1960-01-01,0161 496 0017,,Y00001\n"
                + words + ",Hal,Words,1960-01-01,,call after 6pm,Y00001\n"
                + noArea + ",Ida,Drama,1960-01-01,,01632 960019,Y00001\n";
        Map<String, Object> result = post("patients", csv, admin);
        assertCounts(result, 9, 9, 0, 0, 0);
        assertThat(num(result, "valuesLeftOut")).isEqualTo(4);
        assertThat(leftOut(result, 5)).isEqualTo("telephone: '0161 496' is not a valid UK phone number");
        assertThat(leftOut(result, 6)).isEqualTo("telephone: '0909 879 0015' is not a landline or mobile number (premium rate)");
        assertThat(leftOut(result, 7)).isEqualTo(
                "telephone: '+33 1 23 45 67 89' is not a UK number: the call list rings UK landlines and mobiles only");
        assertThat(leftOut(result, 9)).startsWith("telephone: 'call after 6pm' is not a phone number");
        assertThat(leftOut(result, 2)).isEqualTo("(kept)");

        assertThat(patient(both, admin)).containsEntry("mobile", "+447700900011").containsEntry("telephone", "+441614960011");
        assertThat(patient(london, admin)).containsEntry("mobile", null).containsEntry("telephone", "+442079460012");
        assertThat(patient(brackets, admin)).containsEntry("telephone", "+441614960013");
        // Kept, with every other value, and without the telephone.
        assertThat(patient(short_, admin)).containsEntry("telephone", null).containsEntry("familyName", "Short")
                .containsEntry("practiceCode", "Y00001");
        assertThat(patient(premium, admin)).containsEntry("telephone", null);
        assertThat(patient(french, admin)).containsEntry("telephone", null);
        // A landline exported as the mobile: never texted, but called.
        assertThat(patient(inMobile, admin)).containsEntry("mobile", null)
                .containsEntry("mobileProblem", "landline: cannot receive SMS").containsEntry("telephone", "+441614960017");
        assertThat(patient(noArea, admin)).containsEntry("telephone", "+441632960019");

        // The same file again: nobody added, nothing changed, the same values left out.
        Map<String, Object> again = post("patients", csv, admin);
        assertCounts(again, 9, 0, 0, 9, 0);
        assertThat(num(again, "valuesLeftOut")).isEqualTo(4);
        assertThat(count("SELECT count(*) FROM patient")).isEqualTo(9);

        // Other names for the column: a plain "Phone", or "Landline"; a new number is one update.
        assertCounts(post("patients", "nhs_number,given_name,family_name,date_of_birth,phone,practice_code\n"
                + short_ + ",Dee,Short,1960-01-01,0161 496 0014,Y00001\n", admin), 1, 0, 1, 0, 0);
        assertThat(patient(short_, admin)).containsEntry("telephone", "+441614960014");
        assertCounts(post("patients", "nhs_number,given_name,family_name,date_of_birth,Landline,practice_code\n"
                + premium + ",Eve,Premium,1960-01-01,0113 496 0015,Y00001\n", admin), 1, 0, 1, 0, 0);
        assertThat(patient(premium, admin)).containsEntry("telephone", "+441134960015");
        // A file without the column has no telephone to give, except a landline in the mobile column.
        post("patients", "nhs_number,given_name,family_name,date_of_birth,practice_code\n"
                + london + ",Bea,London,1960-01-01,Y00001\n", admin);
        assertThat(patient(london, admin)).containsEntry("telephone", null);
        assertThat(count("SELECT count(*) FROM patient")).isEqualTo(9);

        // The imports page lists the values left out beside the counts.
        String page = http.retrieve(HttpRequest.POST("/ui/imports", io.micronaut.http.client.multipart.MultipartBody.builder()
                        .addPart("kind", "patients")
                        .addPart("file", "patients.csv", io.micronaut.http.MediaType.TEXT_PLAIN_TYPE,
                                csv.getBytes(StandardCharsets.UTF_8)).build())
                .contentType(io.micronaut.http.MediaType.MULTIPART_FORM_DATA_TYPE).bearerAuth(admin), String.class);
        assertThat(page).contains("Values left out").contains("id=\"import-left-out\"")
                .contains("&#39;0161 496&#39; is not a valid UK phone number");
    }

    long count(String sql) {
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement();
             var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void addressesAreReadUnderTheirAliasesCleanedCheckedAndReimportedWithoutChange() throws Exception {
        post("practices", "ODS Code,Practice Name,Telephone,PCN,Address 1,Address 2,Post Town,Postal Code\n"
                + "Y00001,Moss Side Health Centre,0161 496 0001,North PCN,1 Moss Lane East,Moss Side,Manchester,m16  7aa\n",
                admin);
        String withAddress = NhsNumbers.next(), none = NhsNumbers.next(), tooLong = NhsNumbers.next();
        String header = "NHS Number,Forename,Surname,Date of Birth,Postcode,Practice Code,Address Line 1,Locality,City\n";
        String csv = header
                + withAddress + ",Ann,Lee,1960-01-01,M14 5AA,Y00001,\"12\u202E Birch \u0007Road\",Rusholme,Manchester\n"
                + none + ",Bob,Day,1961-01-01,,Y00001,,,\n"
                + tooLong + ",Cat,Ray,1962-01-01,M14 5AB,Y00001," + "x".repeat(121) + ",,Manchester\n";
        Map<String, Object> result = post("patients", csv, admin);
        assertCounts(result, 3, 2, 0, 0, 1);
        assertThat(error(result, 4)).isEqualTo("address_line_1: address_line_1 is 121 characters long: at most 120");
        // The bidi override is removed and the bell becomes a space, as for every other column.
        assertThat(patient(withAddress, admin)).containsEntry("addressLine1", "12 Birch  Road")
                .containsEntry("addressLine2", "Rusholme").containsEntry("town", "Manchester")
                .containsEntry("postcode", "M14 5AA");
        assertThat(patient(none, admin)).containsEntry("addressLine1", null).containsEntry("town", null);

        // The same file again changes nothing and adds no one; a moved patient is one update.
        assertCounts(post("patients", csv, admin), 3, 0, 0, 2, 1);
        assertCounts(post("patients", csv.replace("Rusholme,Manchester", "Fallowfield,Manchester"), admin), 3, 0, 1, 1, 1);
        assertThat(patient(withAddress, admin)).containsEntry("addressLine2", "Fallowfield");
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*), min(address_line_1), min(town), min(postcode) FROM practice")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1);
            assertThat(rs.getString(2)).isEqualTo("1 Moss Lane East");
            assertThat(rs.getString(3)).isEqualTo("Manchester");
            assertThat(rs.getString(4)).isEqualTo("M16 7AA");
        }
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM patient")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(2);
        }
    }

    @Test
    void repeatedNhsNumberInOneFileKeepsTheLaterRow() {
        post("practices", PRACTICES, admin);
        String nhs = NhsNumbers.next();
        String csv = "nhs_number,given_name,family_name,date_of_birth,sex,practice_code\n"
                + nhs + ",Ann,Old,1960-01-01,F,Y00001\n"
                + nhs + ",Ann,New,1960-01-01,F,Y00001\n";
        Map<String, Object> result = post("patients", csv, admin);
        assertCounts(result, 2, 1, 0, 0, 1);
        assertThat(error(result, 2)).isEqualTo("nhs_number: repeated on line 3, which was used instead");
        assertThat(patient(nhs, admin)).containsEntry("familyName", "New");
        assertCounts(post("patients", csv, admin), 2, 0, 0, 1, 1);
    }

    @Test
    void eventsByTypeOrCodeAreIdempotentAndOptOutsEnterTheLedgerOnce() throws Exception {
        post("practices", PRACTICES, admin);
        String a = NhsNumbers.next(), b = NhsNumbers.next(), stranger = NhsNumbers.next();
        post("patients", "nhs_number,given_name,family_name,date_of_birth,sex,mobile,practice_code\n"
                + a + ",Ann,Able,1960-01-01,F,07700900010,Y00001\n"
                + b + ",Bob,Baker,1950-01-01,M,07700900011,Y00002\n", admin);
        String events = String.join("\n",
                "NHS Number,Event Date,Event Type,Value,SNOMED Code",
                a + ",2024-03-01,FIT_KIT_ISSUED,,",
                b + ",01/03/2024,,2.1,1030791000000100",
                b + ",02-Mar-2024,,,276401000000108",
                a + ",2024-03-02,,,123456",
                a + ",2024-03-02,FLU_JAB,,",
                a + ",2999-01-01,FIT_KIT_ISSUED,,",
                stranger + ",2024-03-01,DECEASED,,",
                a + ",2024-03-01,FIT_KIT_ISSUED,,",
                b + ",2024-05-01,sms opt out,,",
                "");
        Map<String, Object> result = post("events", events, admin);
        assertCounts(result, 9, 4, 0, 1, 4);
        assertThat(error(result, 5)).isEqualTo("code: code 123456 is not in the event code list v1: give an event_type or ask for the code to be added");
        assertThat(error(result, 6)).isEqualTo("event_type: unknown event type 'FLU_JAB'");
        assertThat(error(result, 7)).isEqualTo("event_date: event_date 2999-01-01 is in the future");
        assertThat(error(result, 8)).isEqualTo("nhs_number: no patient with this NHS number in your practices: import the patient first");

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> recorded = (List<Map<String, Object>>) http.retrieve(
                HttpRequest.GET("/api/patients/" + b).bearerAuth(admin), Argument.mapOf(String.class, Object.class)).get("events");
        assertThat(recorded).extracting(e -> e.get("date") + " " + e.get("type") + " " + e.getOrDefault("value", ""))
                .containsExactly("2024-05-01 SMS_OPT_OUT ", "2024-03-02 URGENT_REFERRAL lower-gi", "2024-03-01 PSA_TEST 2.1");

        assertCounts(post("events", events, admin), 9, 0, 0, 5, 4);
        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*), min(source), min(action) FROM opt_out_ledger")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getString(2)).isEqualTo("IMPORTED");
            assertThat(rs.getString(3)).isEqualTo("OPT_OUT");
        }
    }

    @Test
    void aCccImportsOnlyIntoTheirOwnPcnAndSeesOnlyItsPatients() {
        post("practices", PRACTICES, admin);
        String north = api.user("ccc.north", "CCC", "North PCN");
        String south = api.user("ccc.south", "CCC", "South PCN");
        String n1 = NhsNumbers.next(), s1 = NhsNumbers.next();
        String header = "nhs_number,given_name,family_name,date_of_birth,sex,practice_code\n";
        Map<String, Object> result = post("patients", header
                + n1 + ",Nora,North,1960-01-01,F,Y00001\n"
                + s1 + ",Sam,South,1960-01-01,M,Y00003\n", north);
        assertCounts(result, 2, 1, 0, 0, 1);
        // The same words as for a practice that does not exist: nothing about PCN B is revealed.
        assertThat(error(result, 3)).isEqualTo("practice_code: unknown practice code 'Y00003': import the practice first");
        assertCounts(post("patients", header + s1 + ",Sam,South,1960-01-01,M,Y00003\n", south), 1, 1, 0, 0, 0);

        // A CCC of North cannot move South's patient into North, nor add South's practices.
        Map<String, Object> grab = post("patients", header + s1 + ",Sam,Stolen,1960-01-01,M,Y00001\n", north);
        assertCounts(grab, 1, 0, 0, 0, 1);
        assertThat(patient(s1, south)).containsEntry("familyName", "South");
        Map<String, Object> practices = post("practices", "practice_code,name,pcn\nY00003,Taken,North PCN\nY00009,Other,South PCN\nY00010,Mine,\n", north);
        assertCounts(practices, 3, 1, 0, 0, 2);
        assertThat(error(practices, 2)).isEqualTo("practice_code: practice Y00003 belongs to another PCN");
        assertThat(error(practices, 3)).isEqualTo("pcn: you can import practices only into your own PCN (North PCN)");

        // Events for South's patient from North are refused like an unknown patient.
        Map<String, Object> events = post("events", "nhs_number,event_date,event_type\n" + s1 + ",2024-01-01,DECEASED\n", north);
        assertCounts(events, 1, 0, 0, 0, 1);

        assertThatThrownBy(() -> patient(s1, north)).isInstanceOfSatisfying(HttpClientResponseException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(HttpStatus.NOT_FOUND.getCode()));
        Map<String, Object> list = http.retrieve(HttpRequest.GET("/api/patients").bearerAuth(north),
                Argument.mapOf(String.class, Object.class));
        assertThat(num(list, "total")).isEqualTo(1);
        Map<String, Object> search = http.retrieve(HttpRequest.GET("/api/patients?q=" + s1).bearerAuth(north),
                Argument.mapOf(String.class, Object.class));
        assertThat(num(search, "total")).isZero();
        Map<String, Object> byName = http.retrieve(HttpRequest.GET("/api/patients?q=nor").bearerAuth(north),
                Argument.mapOf(String.class, Object.class));
        assertThat(num(byName, "total")).isEqualTo(1);
        // The rejected-rows download of South's import is not North's to see.
        long southImport = num(post("patients", header + s1 + ",Sam,South,1960-01-01,M,Y00001\n", south), "id");
        assertThatThrownBy(() -> http.retrieve(HttpRequest.GET("/api/imports/" + southImport + "/rejected.csv").bearerAuth(north), String.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(HttpStatus.NOT_FOUND.getCode()));
    }

    @Test
    void loginIsNeededAndALeadMayNotImport() {
        post("practices", PRACTICES, admin);
        assertThatThrownBy(() -> http.exchange(Api.csv(HttpRequest.POST("/api/imports/practices", PRACTICES))))
                .isInstanceOfSatisfying(HttpClientResponseException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(HttpStatus.UNAUTHORIZED.getCode()));
        assertThatThrownBy(() -> http.exchange(HttpRequest.GET("/api/patients")))
                .isInstanceOfSatisfying(HttpClientResponseException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(HttpStatus.UNAUTHORIZED.getCode()));
        String lead = api.user("lead.north", "LEAD", "North PCN");
        assertThatThrownBy(() -> http.exchange(Api.csv(HttpRequest.POST("/api/imports/practices", PRACTICES)).bearerAuth(lead)))
                .isInstanceOfSatisfying(HttpClientResponseException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(HttpStatus.FORBIDDEN.getCode()));
    }

    @Test
    void filesThatAreNotImportsAreRefusedWithWhatWasExpected() {
        assertBadRequest("patients", new byte[0], "The file is empty: expected a CSV file of patients with the header line nhs_number,given_name");
        assertBadRequest("patients", new byte[]{(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13}, "This is not a CSV text file");
        assertBadRequest("patients", "\r\n\r\n".getBytes(), "The file has no lines");
        assertBadRequest("patients", "9990000018,Ann,Able\n".getBytes(), "No known column in the first line");
        assertBadRequest("events", "nhs_number,event_date\n".getBytes(), "Missing column(s) event_type or code");
        assertBadRequest("patients", "nhs_number,given_name,family_name,date_of_birth,practice_code\n\"9990000018,Ann".getBytes(),
                "Line 2 cannot be read as CSV");
        assertThatThrownBy(() -> post("vaccines", "a,b\n", admin)).isInstanceOfSatisfying(HttpClientResponseException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(HttpStatus.NOT_FOUND.getCode()));
    }

    void assertBadRequest(String kind, byte[] body, String expected) {
        assertThatThrownBy(() -> post(kind, body, admin)).isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(HttpStatus.BAD_REQUEST.getCode());
            assertThat(e.getResponse().getBody(String.class).orElse("")).contains(expected);
        });
    }

    @Test
    void importsAndPatientListViewsAreAuditedAndTheLogHoldsNoPatientData() throws Exception {
        post("practices", PRACTICES, admin);
        String nhs = NhsNumbers.next();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        appender.start();
        root.addAppender(appender);
        try {
            post("patients", "nhs_number,given_name,family_name,date_of_birth,mobile,practice_code\n"
                    + nhs + ",Zebedee,Quartermaine,1960-01-01,07700900123,Y00001\n"
                    + "9434765918,Xanthe,Bad,1960-01-01,07700900124,Y00001\n", admin);
            http.retrieve(HttpRequest.GET("/api/patients?q=Quarter").bearerAuth(admin), String.class);
        } finally {
            root.detachAppender(appender);
        }
        String log = String.join("\n", appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
        assertThat(log).contains("Import").contains("received=2");
        assertThat(log).doesNotContain(nhs).doesNotContain("9434765918").doesNotContain("Zebedee")
                .doesNotContain("Quartermaine").doesNotContain("Xanthe").doesNotContain("900123").doesNotContain("900124");

        try (Connection c = Database.raw(dataSource).getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT username, action, target, detail FROM audit_log WHERE action IN ('IMPORT', 'VIEW_PATIENT_LIST') ORDER BY id")) {
            List<String> rows = new java.util.ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4));
            }
            assertThat(rows).hasSize(3);
            assertThat(rows.get(0)).startsWith("admin IMPORT practices import");
            assertThat(rows.get(1)).startsWith("admin IMPORT patients import").endsWith("received 2, inserted 1, updated 0, unchanged 0, rejected 1");
            assertThat(rows.get(2)).isEqualTo("admin VIEW_PATIENT_LIST patients q=name search page=0 shown=1 of 1");
        }
    }
}
