package io.uptake.template;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Json;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 13, "Templates a PCN can own", through the API as a CCC and a LEAD use it: a CCC saves the PCN's own text,
 * which is a new, unapproved version of that language; only a LEAD of the PCN approves it; another PCN never sees
 * it; a bad placeholder is refused naming the field and the reason; the editor's live check answers a fragment.
 */
@MicronautTest(transactional = false)
class PcnTextsTest {
    static final String ENGLISH = OwnTextCheckTest.ENGLISH;
    static final String URDU = "{givenName}، {practiceName} کی طرف سے سلام۔ PSA ٹیسٹ پر بات کے لیے کال کریں: "
            + "{practicePhone}۔ {booking} {callBack} {optOut}";

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    TemplateApprovals approvals;
    @Inject
    MessageTemplates templates;

    String ccc;
    String lead;
    String southCcc;
    String southLead;
    long north;
    long south;
    Rows rows;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        Api api = new Api(client.toBlocking());
        rows = new Rows(dataSource);
        north = rows.pcnNamed("North PCN");
        south = rows.pcnNamed("South PCN");
        ccc = api.user("ccc.north", "CCC", "North PCN");
        lead = api.user("lead.north", "LEAD", "North PCN");
        southCcc = api.user("ccc.south", "CCC", "South PCN");
        southLead = api.user("lead.south", "LEAD", "South PCN");
    }

    Map<String, Object> texts(String token, String programme, String language) {
        return client.toBlocking().retrieve(HttpRequest.GET("/api/templates/" + programme + "/" + language)
                .bearerAuth(token), Json.OBJECT);
    }

    Map<String, Object> save(String token, String programme, String language, String message, String text) {
        return client.toBlocking().retrieve(HttpRequest.PUT("/api/templates/" + programme + "/" + language,
                Map.of("message", message, "text", text)).bearerAuth(token), Json.OBJECT);
    }

    static Map<String, Object> message(Map<String, Object> texts, String message) {
        return Json.objects(texts.get("messages")).stream().filter(m -> m.get("message").equals(message)).findFirst()
                .orElseThrow();
    }

    @Test
    void aSavedDraftIsANewUnapprovedVersionAndTheShippedEnglishIsStillWhatIsSent() {
        Map<String, Object> before = texts(ccc, "psa-eligible", "en");
        assertThat(before.get("state")).isEqualTo("source");
        assertThat(before.get("version")).isEqualTo(templates.version("psa-eligible", "en"));
        assertThat(message(before, "initial").get("own")).isEqualTo(false);

        Map<String, Object> saved = save(ccc, "psa-eligible", "en", "initial", ENGLISH);
        assertThat(saved.get("state")).isEqualTo("draft");
        assertThat(saved.get("ownTexts")).isEqualTo(true);
        assertThat(saved.get("version")).isNotEqualTo(before.get("version"));
        assertThat((String) saved.get("sends")).contains("the English texts Uptake ships are sent");
        assertThat(message(saved, "initial").get("text")).isEqualTo(ENGLISH);
        assertThat(message(saved, "initial").get("savedBy")).isEqualTo("ccc.north");
        assertThat(message(saved, "reminder").get("own")).isEqualTo(false);
        // English stays sendable (the shipped words), and nothing of the PCN's is sent until a LEAD approves.
        assertThat(approvals.sendableLanguages("psa-eligible", north)).containsExactly("en");
        assertThat(approvals.sending("psa-eligible", north).has("en")).isFalse();
        // The lead sees the same draft, on the approvals too.
        assertThat(texts(lead, "psa-eligible", "en").get("version")).isEqualTo(saved.get("version"));
        assertThat(rows.queryLong("SELECT count(*) FROM audit_log WHERE action = 'TEMPLATE_TEXT_SAVED' "
                + "AND username = 'ccc.north' AND pcn_id = ?", north)).isEqualTo(1);
        // Saving the same words again is no new version.
        save(ccc, "psa-eligible", "en", "initial", ENGLISH);
        assertThat(rows.queryLong("SELECT count(*) FROM pcn_template_text")).isEqualTo(1);

        Map<?, ?> approved = client.toBlocking().retrieve(HttpRequest.POST(
                "/api/templates/psa-eligible/en/approve?version=" + saved.get("version"), "").bearerAuth(lead), Map.class);
        assertThat(approved.get("state")).isEqualTo("approved");
        assertThat(approved.get("ownTexts")).isEqualTo(true);
        assertThat(approvals.sending("psa-eligible", north).text("en", "initial")).isEqualTo(ENGLISH);
        assertThat(rows.queryLong("SELECT count(*) FROM audit_log WHERE action = 'TEMPLATE_APPROVED' "
                + "AND username = 'lead.north' AND detail LIKE '%own texts%'")).isEqualTo(1);

        // A new draft waits for the lead, and meanwhile the words the lead approved stay in use (hazard H-026):
        // before, the shipped English went out again as soon as a CCC changed a word.
        save(ccc, "psa-eligible", "en", "initial", ENGLISH.replace("Hello", "Hi"));
        Map<String, Object> waiting = texts(ccc, "psa-eligible", "en");
        assertThat(waiting.get("state")).isEqualTo("draft");
        assertThat((String) waiting.get("sends")).contains("your PCN's English texts as lead.north approved them");
        assertThat(approvals.sending("psa-eligible", north).text("en", "initial")).isEqualTo(ENGLISH);
        TemplateApprovals.LanguageApproval en = approvals.approvals("psa-eligible", north).get(0);
        assertThat(en.inUse()).isNotNull();
        assertThat(en.inUse().version()).isEqualTo(saved.get("version"));
        assertThat(en.inUse().ownTexts()).isTrue();
        assertThat(en.inUse().approvedBy()).isEqualTo("lead.north");

        client.toBlocking().retrieve(HttpRequest.POST("/api/templates/psa-eligible/en/approve?version="
                + waiting.get("version"), "").bearerAuth(lead), Map.class);
        assertThat(approvals.sending("psa-eligible", north).text("en", "initial")).isEqualTo(ENGLISH.replace("Hello", "Hi"));
        assertThat(approvals.approvals("psa-eligible", north).get(0).inUse()).isNull();
    }

    /** Words an approval recorded that no longer digest to its version (a shipped sentence changed) are not used. */
    @Test
    void anEarlierApprovalWhoseWordsNoLongerMatchItsVersionIsNotUsed() {
        Map<String, Object> saved = save(ccc, "psa-eligible", "en", "initial", ENGLISH);
        client.toBlocking().retrieve(HttpRequest.POST("/api/templates/psa-eligible/en/approve?version="
                + saved.get("version"), "").bearerAuth(lead), Map.class);
        save(ccc, "psa-eligible", "en", "initial", ENGLISH.replace("Hello", "Hi"));
        assertThat(approvals.sending("psa-eligible", north).text("en", "initial")).isEqualTo(ENGLISH);
        // As if a release had changed a shipped sentence the version digests: the recorded words are another version.
        rows.execute("UPDATE template_approval SET version = 'released-before' WHERE pcn_id = ?", north);
        assertThat(approvals.approvals("psa-eligible", north).get(0).inUse()).isNull();
        assertThat(approvals.sending("psa-eligible", north).has("en")).isFalse();
        assertThat(approvals.sendableLanguages("psa-eligible", north)).containsExactly("en");
    }

    @Test
    void anotherPcnSeesOnlyTheShippedTextsAndItsApprovalsDoNotMove() {
        save(ccc, "psa-eligible", "en", "initial", ENGLISH);
        save(ccc, "psa-eligible", "ur", "initial", URDU);
        Map<String, Object> theirs = texts(southCcc, "psa-eligible", "en");
        assertThat(theirs.get("state")).isEqualTo("source");
        assertThat(message(theirs, "initial").get("own")).isEqualTo(false);
        assertThat(message(theirs, "initial").get("text")).isEqualTo(templates.shippedText("psa-eligible", "initial", "en"));
        assertThat(texts(southLead, "psa-eligible", "ur").get("ownTexts")).isEqualTo(false);
        String preview = client.toBlocking().retrieve(HttpRequest.GET("/api/templates/psa-eligible/initial/preview?lang=en")
                .bearerAuth(southCcc));
        assertThat(preview).contains("Dear Amina").doesNotContain("Hello Amina");
        // The north PCN's preview shows its own (draft) words, so that its lead reads what they approve.
        assertThat(client.toBlocking().retrieve(HttpRequest.GET("/api/templates/psa-eligible/initial/preview?lang=en")
                .bearerAuth(lead))).contains("Hello Amina");
        // A south lead approving Urdu approves the shipped Urdu for south only; the north draft stays a draft.
        client.toBlocking().retrieve(HttpRequest.POST("/api/templates/psa-eligible/ur/approve", "").bearerAuth(southLead), Map.class);
        assertThat(approvals.sendableLanguages("psa-eligible", north)).containsExactly("en");
        assertThat(approvals.sendableLanguages("psa-eligible", south)).containsExactly("en", "ur");
    }

    @Test
    void anUrduTextOfThePcnIsADraftEvenWhenTheShippedUrduWasApproved() {
        client.toBlocking().retrieve(HttpRequest.POST("/api/templates/psa-eligible/ur/approve", "").bearerAuth(lead), Map.class);
        assertThat(approvals.sendableLanguages("psa-eligible", north)).containsExactly("en", "ur");
        // An ADMIN's approval for every PCN is of the shipped texts: it does not cover the PCN's own.
        client.toBlocking().retrieve(HttpRequest.POST("/api/templates/psa-eligible/ur/approve", "").bearerAuth(
                new Api(client.toBlocking()).adminToken()), Map.class);
        Map<String, Object> saved = save(ccc, "psa-eligible", "ur", "initial", URDU);
        assertThat(saved.get("state")).isEqualTo("draft");
        // The PCN's Urdu draft is not sent; the shipped Urdu its lead approved stays in use meanwhile (H-026).
        assertThat(approvals.sendableLanguages("psa-eligible", north)).containsExactly("en", "ur");
        assertThat(approvals.sending("psa-eligible", north).has("ur")).isFalse();
        assertThat((String) saved.get("sends")).contains("the Urdu texts Uptake ships, approved by lead.north");
        assertThat(approvals.sendableLanguages("psa-eligible", south)).containsExactly("en", "ur");

        // Approving what the lead read; a text saved since is refused, to be read first.
        String read = (String) saved.get("version");
        save(ccc, "psa-eligible", "ur", "reminder", URDU);
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.POST(
                "/api/templates/psa-eligible/ur/approve?version=" + read, "").bearerAuth(lead), String.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(409);
                    assertThat(e.getResponse().getBody(String.class).orElse("")).contains("changed since you read them");
                });
        String now = (String) texts(lead, "psa-eligible", "ur").get("version");
        client.toBlocking().retrieve(HttpRequest.POST("/api/templates/psa-eligible/ur/approve?version=" + now, "")
                .bearerAuth(lead), Map.class);
        assertThat(approvals.sendableLanguages("psa-eligible", north)).containsExactly("en", "ur");
        assertThat(approvals.sending("psa-eligible", north).text("ur", "reminder")).isEqualTo(URDU);
    }

    @Test
    void aBadPlaceholderIsRefusedNamingTheFieldAndTheReasonAndNothingIsSaved() {
        HttpClientResponseException e = org.junit.jupiter.api.Assertions.assertThrows(HttpClientResponseException.class,
                () -> client.toBlocking().exchange(HttpRequest.PUT("/api/templates/psa-eligible/en",
                        Map.of("message", "initial", "text", ENGLISH.replace("{givenName}", "{name}"))).bearerAuth(ccc),
                        Json.OBJECT));
        assertThat(e.code()).isEqualTo(400);
        List<Map<String, Object>> errors = Json.objects(e.getResponse().getBody(Json.OBJECT).orElseThrow().get("errors"));
        assertThat(errors).extracting(m -> m.get("field")).containsOnly("text");
        assertThat(errors).extracting(m -> (String) m.get("reason"))
                .anySatisfy(r -> assertThat(r).startsWith("{name} is not a placeholder Uptake knows"))
                .anySatisfy(r -> assertThat(r).startsWith("Put {givenName} back in the text"));
        HttpClientResponseException noMessage = org.junit.jupiter.api.Assertions.assertThrows(
                HttpClientResponseException.class, () -> client.toBlocking().exchange(HttpRequest.PUT(
                        "/api/templates/psa-eligible/en", Map.of("text", ENGLISH)).bearerAuth(ccc), Json.OBJECT));
        assertThat(noMessage.code()).isEqualTo(400);
        assertThat(noMessage.getResponse().getBody(String.class).orElse("")).contains("\"field\":\"message\"");
        assertThat(rows.queryLong("SELECT count(*) FROM pcn_template_text")).isZero();
    }

    @Test
    void onlyACccSavesOnlyALeadApprovesAndUnknownTextsAreNotFound() {
        assertThatThrownBy(() -> save(lead, "psa-eligible", "en", "initial", ENGLISH))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.code()).isEqualTo(403));
        save(ccc, "psa-eligible", "en", "initial", ENGLISH);
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.POST("/api/templates/psa-eligible/en/approve", "")
                .bearerAuth(ccc))).isInstanceOfSatisfying(HttpClientResponseException.class,
                e -> assertThat(e.code()).isEqualTo(403));
        assertThatThrownBy(() -> texts(ccc, "psa-eligible", "xx"))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.code()).isEqualTo(404));
        assertThatThrownBy(() -> texts(ccc, "no-such-programme", "en"))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.code()).isEqualTo(404));
        // An ADMIN, who belongs to no PCN, approves shipped English never (it is the source) and the PCN's never.
        assertThatThrownBy(() -> client.toBlocking().exchange(HttpRequest.POST("/api/templates/psa-eligible/en/approve", "")
                .bearerAuth(new Api(client.toBlocking()).adminToken()), String.class))
                .isInstanceOfSatisfying(HttpClientResponseException.class, e -> assertThat(e.code()).isEqualTo(409));
        assertThat(texts(ccc, "psa-eligible", "en").get("state")).isEqualTo("draft");
    }

    @Test
    void theLiveCheckAnswersAFragmentWithSegmentsCostAndTheBidiProblem() {
        String ok = check("ar", OwnTextCheckTest.ARABIC);
        assertThat(ok).contains("id=\"checks-body\"").contains("No problems found.").doesNotContain("<html")
                .contains("UCS-2").contains(templates.currency() + " ")
                .contains("keep their order on a phone");
        String indic = check("ar", OwnTextCheckTest.ARABIC.replace("0161 496 0999", "٠١٦١ ٤٩٦ ٠٩٩٩"));
        assertThat(indic).contains("1 problem to fix before you save").contains("Arabic-Indic digits")
                .contains("wrong order");
        String tooLong = check("en", ENGLISH + " Thank you.".repeat(70));
        assertThat(tooLong).contains("segments; the limit is " + templates.maxSegments());
        String unknown = check("en", ENGLISH.replace("{optOut}", "{stop}"));
        assertThat(unknown).contains("{stop} is not a placeholder").contains("Put {optOut} back in the text")
                .doesNotContain("id=\"check-preview\"");
        assertThat(rows.queryLong("SELECT count(*) FROM pcn_template_text")).isZero();
    }

    private String check(String language, String text) {
        return client.toBlocking().retrieve(HttpRequest.POST("/ui/templates/own/check",
                Map.of("programme", "psa-eligible", "language", language, "message", "initial", "text", text))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED_TYPE).accept(MediaType.TEXT_HTML_TYPE).bearerAuth(ccc));
    }

    @Test
    void aRefusedSaveFromThePageShowsTheErrorSummaryAndKeepsWhatWasTyped() {
        String typed = ENGLISH.replace("{booking}", "{bookingLink}");
        String html = client.toBlocking().retrieve(HttpRequest.POST("/ui/templates/own",
                Map.of("programme", "psa-eligible", "language", "en", "message", "initial", "text", typed))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED_TYPE).accept(MediaType.TEXT_HTML_TYPE).bearerAuth(ccc));
        assertThat(html).contains("nhsuk-error-summary").contains("href=\"#text\"")
                .contains("{bookingLink} is not a placeholder").contains("Put {booking} back in the text")
                .contains(">" + typed + "</textarea>");
        assertThat(rows.queryLong("SELECT count(*) FROM pcn_template_text")).isZero();
        String page = client.toBlocking().retrieve(HttpRequest.GET("/ui/templates/own?programme=psa-eligible&language=en")
                .accept(MediaType.TEXT_HTML_TYPE).bearerAuth(ccc), String.class);
        assertThat(page).contains("Your PCN's texts").contains("The text Uptake ships");
        assertThat(client.toBlocking().retrieve(HttpRequest.GET("/api/templates/approvals").bearerAuth(ccc),
                Argument.listOf(Map.class))).isNotEmpty();
    }
}
