package io.uptake.reply;

import io.micronaut.context.annotation.Property;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.optout.OptOutLedger;
import io.uptake.sms.TwilioSignature;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.web.PeopleFormats;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Working the inbox over HTTP: search and filters, the unread count, the patient page, the new outcomes and the
 * one-click confirm of a reply that reads as an opt-out.
 */
@MicronautTest(transactional = false)
@Property(name = "micronaut.server.port", value = "-1")
class InboxWorkTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    java.time.Clock clock;
    @Inject
    TwilioSignature signature;
    @Inject
    OptOutLedger ledger;
    @Inject
    PeopleFormats people;

    ReplyFixtures db;
    Api api;
    ReplyFixtures.NorthAndSouth rows;
    final String adaMobile = ReplyFixtures.mobile(501);
    final String southMobile = ReplyFixtures.mobile(502);
    final String bilalMobile = ReplyFixtures.mobile(503);
    long bilal;
    long birchCampaign;
    String northCcc;
    String colleague;
    String southCcc;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        db = new ReplyFixtures(dataSource, client.toBlocking(), signature, clock);
        api = new Api(client.toBlocking());
        rows = db.northAndSouth(adaMobile, southMobile);
        // A second practice and campaign in North, and an Urdu-speaking patient there.
        db.practice("P84003", "Birch Practice", rows.northPcn());
        bilal = db.patient("P84003", bilalMobile, "ur", "Bilal");
        birchCampaign = db.campaign(rows.northPcn(), "North breast");
        db.sentMessage(birchCampaign, bilal, bilalMobile, "ur", clock.instant().minus(2, ChronoUnit.HOURS));
        northCcc = api.user("ccc.north", "CCC", "North PCN");
        colleague = api.user("ccc.north2", "CCC", "North PCN");
        southCcc = api.user("ccc.south", "CCC", "South PCN");
    }

    private void text(String from, String body) {
        db.deliver(ReplyFixtures.twilioForm(ReplyFixtures.newSid(), from, body));
    }

    private List<Map<String, Object>> inbox(String token, String query) {
        return client.toBlocking().retrieve(HttpRequest.GET("/api/inbox?" + query).bearerAuth(token),
                Argument.listOf(Argument.mapOf(String.class, Object.class)));
    }

    private List<Object> bodies(String token, String query) {
        return inbox(token, query).stream().map(i -> i.get("body")).toList();
    }

    private String page(String path, String token) {
        return client.toBlocking().retrieve(HttpRequest.GET(path).accept(MediaType.TEXT_HTML_TYPE).bearerAuth(token));
    }

    private String post(String path, Map<String, String> form, String token) {
        return client.toBlocking().retrieve(HttpRequest.POST(path, form)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED_TYPE).accept(MediaType.TEXT_HTML_TYPE)
                .bearerAuth(token));
    }

    private static int status(Runnable call) {
        try {
            call.run();
            return 200;
        } catch (HttpClientResponseException e) {
            return e.getStatus().getCode();
        }
    }

    private String nhsNumber(long patientId) {
        return (String) db.row("SELECT nhs_number FROM patient WHERE id = ?", patientId).get("nhs_number");
    }

    private long itemOf(String body) {
        return ((Number) db.row("SELECT id FROM inbound_message WHERE body = ?", body).get("id")).longValue();
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void searchByNameOrNhsNumberAndFilterByCampaignPracticeLanguageAndState() {
        text(adaMobile, "Is this about my kit?");
        text(bilalMobile, "When is the clinic?");
        text(southMobile, "Cy here, posted it");

        assertThat(bodies(northCcc, "q=ada")).containsExactly("Is this about my kit?");
        assertThat(bodies(northCcc, "q=" + q("Testperson Bilal"))).containsExactly("When is the clinic?");
        // An NHS number as people write it, with spaces, or as stored.
        assertThat(bodies(northCcc, "q=" + q(people.nhsNumber(nhsNumber(bilal))))).containsExactly("When is the clinic?");
        assertThat(bodies(northCcc, "q=" + nhsNumber(rows.northPatient())))
                .containsExactly("Is this about my kit?");
        // Another PCN's patient is not found by name or number.
        assertThat(bodies(northCcc, "q=cy")).isEmpty();
        assertThat(bodies(northCcc, "q=" + nhsNumber(rows.southPatient()))).isEmpty();

        assertThat(bodies(northCcc, "campaign=" + birchCampaign)).containsExactly("When is the clinic?");
        assertThat(bodies(northCcc, "practice=P84001")).containsExactly("Is this about my kit?");
        assertThat(bodies(northCcc, "language=ur")).containsExactly("When is the clinic?");
        assertThat(bodies(northCcc, "language=ur&practice=P84001")).isEmpty();

        long ada = itemOf("Is this about my kit?");
        client.toBlocking().exchange(HttpRequest.POST("/api/inbox/" + ada + "/done", Map.of("outcome", "no answer"))
                .bearerAuth(northCcc));
        assertThat(bodies(northCcc, "status=open")).containsExactly("When is the clinic?");
        assertThat(bodies(northCcc, "status=done")).containsExactly("Is this about my kit?");
        assertThat(bodies(northCcc, "status=all&q=ada")).containsExactly("Is this about my kit?");

        // The page has the same filters, keeps what was chosen, and says when nothing matches.
        String html = page("/ui/inbox?q=ada&practice=P84001&campaign=&language=&status=all", northCcc);
        assertThat(html).contains("Is this about my kit?").doesNotContain("When is the clinic?")
                .contains("value=\"ada\"").contains("<option value=\"P84001\" selected=\"selected\">Oak Surgery</option>")
                .contains("Birch Practice").doesNotContain("Elm Surgery").doesNotContain("South FIT")
                .contains("Clear filters");
        assertThat(page("/ui/inbox?q=nobody", northCcc)).contains("No replies match");
        // Junk in a filter is no filter, never an error page.
        assertThat(page("/ui/inbox?campaign=abc&status=lunch", northCcc)).contains("When is the clinic?");
    }

    @Test
    void theUnreadCountIsThePcnsAndDropsWhenAnyoneOpensThePatient() {
        text(adaMobile, "Is this about my kit?");
        text(adaMobile, "CALL");
        text(bilalMobile, "When is the clinic?");
        text(southMobile, "Cy here");

        assertThat(unreadInMenu(northCcc)).isEqualTo("3");
        assertThat(unreadInMenu(southCcc)).isEqualTo("1");
        assertThat(bodies(northCcc, "status=unread")).hasSize(3);

        // The colleague opens Ada's page: both her replies are in hand, for everyone in the PCN.
        page("/ui/inbox/patients/" + rows.northPatient(), colleague);
        assertThat(unreadInMenu(northCcc)).isEqualTo("1");
        assertThat(bodies(northCcc, "status=unread")).containsExactly("When is the clinic?");
        assertThat(db.row("SELECT opened_by FROM inbound_message WHERE body = 'CALL'")).containsEntry("opened_by", "ccc.north2");
        assertThat(unreadInMenu(southCcc)).isEqualTo("1");

        // Marking an item done opens it too, and the answer carries the new count for the menu.
        String answer = post("/ui/inbox/" + itemOf("When is the clinic?") + "/done", Map.of("outcome", "CALLED"), northCcc);
        assertThat(answer).contains("id=\"nav-unread\"").contains("hx-swap-oob=\"true\"").doesNotContain("nav-count\"");
        assertThat(unreadInMenu(northCcc)).isEmpty();
    }

    /**
     * The number in the menu's Inbox link, or "" when there is none. The count box holds the number between
     * visually hidden words for a screen reader (", 3 unread"), so the number is looked for inside the box.
     */
    private String unreadInMenu(String token) {
        String html = page("/ui", token);
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("id=\"nav-unread\"[^>]*>(?:<span class=\"nhsuk-u-visually-hidden\">, </span>"
                        + "<span class=\"nav-count\"\\s*>(\\d+)</span><span class=\"nhsuk-u-visually-hidden\"> unread</span>)?")
                .matcher(html);
        assertThat(m.find()).as("the menu's unread count").isTrue();
        return m.group(1) == null ? "" : m.group(1);
    }

    @Test
    void thePatientPageShowsTheirDetailsTextsRepliesAndOutcomesWithinThePcn() {
        text(adaMobile, "Is this about my kit?");
        long item = itemOf("Is this about my kit?");
        client.toBlocking().exchange(HttpRequest.POST("/api/inbox/" + item + "/done",
                Map.of("outcome", "ALREADY_SCREENED", "note", "done privately")).bearerAuth(northCcc));

        String inboxPage = page("/ui/inbox?status=all", northCcc);
        assertThat(inboxPage).contains("href=\"/ui/inbox/patients/" + rows.northPatient() + "?from=")
                .contains("Done: Already screened elsewhere by ccc.north");

        String html = page("/ui/inbox/patients/" + rows.northPatient(), northCcc);
        assertThat(html).contains("Ada Testperson").contains(people.nhsNumber(nhsNumber(rows.northPatient())))
                .contains(people.mobile(adaMobile)).contains("Oak Surgery").contains("English")
                .contains("Is this about my kit?").contains("Already screened elsewhere").contains("done privately")
                .contains("Your bowel screening kit: please return it.").contains("North FIT").contains("Delivered");
        assertThat(html).doesNotContain(nhsNumber(rows.northPatient()));

        assertThat(status(() -> page("/ui/inbox/patients/" + rows.northPatient(), southCcc))).isEqualTo(404);
        assertThat(status(() -> page("/ui/inbox/patients/999999", northCcc))).isEqualTo(404);
        String lead = api.user("lead.north", "LEAD", "North PCN");
        assertThat(status(() -> page("/ui/inbox/patients/" + rows.northPatient(), lead))).isEqualTo(403);
        assertThat(db.count("SELECT count(*) FROM audit_log WHERE action = 'VIEW_PATIENT' AND target = ?",
                "patient:" + rows.northPatient())).isEqualTo(1);
    }

    @Test
    void outcomesIncludeNoAnswerAndAlreadyScreenedButAnOptOutIsNeverChosenByHand() {
        text(adaMobile, "CALL");
        long item = itemOf("CALL");
        String form = page("/ui/inbox", northCcc);
        assertThat(form).contains("<option value=\"NO_ANSWER\">Rang, no answer</option>")
                .contains("<option value=\"ALREADY_SCREENED\">Already screened elsewhere</option>")
                .doesNotContain("<option value=\"OPTED_OUT\"");
        assertThat(status(() -> client.toBlocking().exchange(HttpRequest.POST("/api/inbox/" + item + "/done",
                Map.of("outcome", "OPTED_OUT")).bearerAuth(northCcc)))).isEqualTo(400);
        assertThat(post("/ui/inbox/" + item + "/done", Map.of("outcome", "OPTED_OUT"), northCcc)).contains("Choose an outcome.");
        assertThat(ledger.isOptedOut(rows.northPatient())).isFalse();

        assertThat(post("/ui/inbox/" + item + "/done", Map.of("outcome", "NO_ANSWER"), northCcc))
                .contains("Done: Rang, no answer by ccc.north");
        assertThat(db.row("SELECT outcome FROM inbound_message WHERE id = ?", item)).containsEntry("outcome", "NO_ANSWER");
    }

    @Test
    void aReplyThatReadsAsAnOptOutIsConfirmedWithOneClickWhichRecordsItAndCancelsTheirQueuedTexts() {
        long reminder = db.queuedMessage(rows.northCampaign(), rows.northPatient(), adaMobile,
                clock.instant().plus(3, ChronoUnit.DAYS));
        text(adaMobile, "No more messages please");
        long item = itemOf("No more messages please");
        assertThat(db.row("SELECT classification, likely_opt_out FROM inbound_message WHERE id = ?", item))
                .containsEntry("classification", "FREE_TEXT").containsEntry("likely_opt_out", true);
        // Nothing is recorded until a CCC confirms it.
        assertThat(ledger.isOptedOut(rows.northPatient())).isFalse();
        assertThat(db.messageStatus(reminder)).isEqualTo("PENDING");
        assertThat(page("/ui/inbox", northCcc)).contains("id=\"confirm-opt-out-" + item + "\"");
        // An ADMIN reads it but records no patient's opt-out (as by phone); another PCN's CCC cannot reach it.
        assertThat(page("/ui/inbox", api.adminToken())).doesNotContain("confirm-opt-out-" + item);
        assertThat(status(() -> post("/ui/inbox/" + item + "/confirm-opt-out", Map.of(), api.adminToken()))).isEqualTo(403);
        assertThat(status(() -> post("/ui/inbox/" + item + "/confirm-opt-out", Map.of(), southCcc))).isEqualTo(404);

        String answer = post("/ui/inbox/" + item + "/confirm-opt-out", Map.of(), northCcc);

        assertThat(answer).contains("Opt-out recorded. 1 text waiting to be sent was cancelled.")
                .contains("Done: Opted out (confirmed from their reply) by ccc.north");
        assertThat(ledger.status(rows.northPatient()).patientObjects()).isTrue();
        assertThat(db.row("SELECT source, reference, recorded_by FROM opt_out_ledger WHERE patient_id = ?",
                rows.northPatient())).containsEntry("source", "CCC").containsEntry("reference", "reply inbound:" + item)
                .containsEntry("recorded_by", "ccc.north");
        assertThat(db.messageStatus(reminder)).isEqualTo("CANCELLED");
        assertThat(db.row("SELECT inbox_status, outcome FROM inbound_message WHERE id = ?", item))
                .containsEntry("inbox_status", "DONE").containsEntry("outcome", "OPTED_OUT");
        assertThat(db.count("SELECT count(*) FROM audit_log WHERE action = 'OPT_OUT_REPLY_CONFIRMED' AND username = 'ccc.north'"
                + " AND target = ?", "patient:" + rows.northPatient())).isEqualTo(1);
        // A second click (or a colleague's) records nothing more.
        assertThat(post("/ui/inbox/" + item + "/confirm-opt-out", Map.of(), colleague)).contains("already opted out");
        assertThat(db.count("SELECT count(*) FROM opt_out_ledger WHERE patient_id = ?", rows.northPatient())).isEqualTo(1);
    }

    @Test
    void aReplyThatDoesNotReadAsAnOptOutOrComesFromASharedMobileIsNotConfirmedWithOneClick() {
        text(bilalMobile, "When is the clinic?");
        long plain = itemOf("When is the clinic?");
        assertThat(post("/ui/inbox/" + plain + "/confirm-opt-out", Map.of(), northCcc)).contains("does not read as an opt-out");
        assertThat(ledger.isOptedOut(bilal)).isFalse();

        // Ada's mobile is also her husband's: we cannot tell which of them wrote it.
        long husband = db.patient("P84001", adaMobile, "en", "Ben");
        db.sentMessage(rows.northCampaign(), husband, adaMobile, "en", clock.instant().minus(1, ChronoUnit.HOURS));
        text(adaMobile, "please stop texting me");
        long shared = itemOf("please stop texting me");
        assertThat(db.row("SELECT candidate_patients, likely_opt_out FROM inbound_message WHERE id = ?", shared))
                .containsEntry("candidate_patients", 2).containsEntry("likely_opt_out", true);
        assertThat(page("/ui/inbox", northCcc)).doesNotContain("confirm-opt-out-" + shared).contains("This mobile is shared");
        assertThat(post("/ui/inbox/" + shared + "/confirm-opt-out", Map.of(), northCcc)).contains("This mobile is shared");
        assertThat(db.count("SELECT count(*) FROM opt_out_ledger")).isZero();
    }
}
