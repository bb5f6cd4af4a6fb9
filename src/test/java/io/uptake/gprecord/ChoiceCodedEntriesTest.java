package io.uptake.gprecord;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.sms.TwilioSignature;
import io.uptake.testsupport.CampaignRows;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A numbered reply (issue 15), arriving through the signed Twilio webhook, is its coded entry: "already done" and
 * "not for me" at once (their inbox items are done on arrival), "send me a new kit" once a CCC has worked it; a
 * call request as before, from the call's outcome. Through the versioned code file, whose rows for these have no
 * confirmed code, so the codes page counts them as left out rather than export a guess.
 */
@MicronautTest(transactional = false)
class ChoiceCodedEntriesTest {
    private static final String WEBHOOK = "/webhooks/twilio/inbound";
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    Clock clock;
    @Inject
    TwilioSignature signature;
    @Inject
    CodedEntries entries;
    @Inject
    GpRecordCodes codes;
    @Inject
    io.micronaut.transaction.TransactionOperations<java.sql.Connection> transactions;

    Rows rows;
    CampaignRows campaigns;
    long campaign;
    int sid;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        rows = new Rows(dataSource);
        campaigns = new CampaignRows(dataSource, clock);
        long north = rows.pcn("North PCN");
        rows.practice("P84001", "Oak Surgery", north, Rows.PRACTICE_PHONE);
        Instant sent = campaigns.now().minus(Duration.ofDays(1));
        campaign = campaigns.campaign(north).name("FIT with choices").programme("fit-non-returners").startAt(sent)
                .insert();
        for (int n = 301; n <= 304; n++) {
            long patient = rows.patient("P84001").named("P" + n, "Oak").mobile(Rows.mobile(n)).insert();
            long recipient = campaigns.recipient(campaign, patient).insert();
            campaigns.message(campaign, recipient, patient).to(Rows.mobile(n)).body("Reply 1 call me, 2 already done")
                    .segments(1).status("DELIVERED").sentAt(sent).insert();
        }
    }

    private void reply(int n, String body) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("MessageSid", String.format("SMchoice%026d", ++sid));
        form.put("From", Rows.mobile(n));
        form.put("To", "+447700900999");
        form.put("Body", body);
        client.toBlocking().exchange(HttpRequest.POST(WEBHOOK, form).contentType(MediaType.APPLICATION_FORM_URLENCODED_TYPE)
                .header(TwilioSignature.HEADER, signature.sign(WEBHOOK, form)), String.class);
    }

    private List<EntryKind> kinds() {
        return transactions.executeRead(status -> entries.happened(campaign, "P84001")).stream().map(CodedEntry.Happened::kind)
                .filter(k -> k != EntryKind.TEXT_SENT).toList();
    }

    @Test
    void alreadyDoneAndNotForMeAreCodedOnArrivalANewKitWhenWorkedACallByItsOutcome() {
        reply(301, "2");
        reply(302, "4");
        reply(303, "3");
        reply(304, "1");

        assertThat(kinds()).containsExactlyInAnyOrder(EntryKind.REPLY_SCREENED_ELSEWHERE, EntryKind.REPLY_NOT_INTERESTED);

        rows.execute("UPDATE inbound_message SET inbox_status = 'DONE', done_by = 'ccc', done_at = now() "
                + "WHERE choice = 'NEW_KIT'");
        assertThat(kinds()).containsExactlyInAnyOrder(EntryKind.REPLY_SCREENED_ELSEWHERE, EntryKind.REPLY_NOT_INTERESTED,
                EntryKind.REPLY_NEW_KIT);
    }

    @Test
    void aDeclineIsCodedAsADeclineNeverAsAnOptOut() {
        reply(302, "not for me");

        assertThat(kinds()).containsExactly(EntryKind.REPLY_NOT_INTERESTED);
        assertThat(codes.code(EntryKind.REPLY_NOT_INTERESTED, "fit-non-returners").orElseThrow().term())
                .isEqualTo("Bowel cancer screening declined");
    }

    @Test
    void theCodeFileHasARowForEveryChoiceEntryAndNoneIsExportedUnconfirmed() {
        for (EntryKind kind : List.of(EntryKind.REPLY_SCREENED_ELSEWHERE, EntryKind.REPLY_NOT_INTERESTED,
                EntryKind.REPLY_NEW_KIT)) {
            GpRecordCodes.Code code = codes.code(kind, "fit-non-returners").orElseThrow();
            assertThat(code.verified()).as(kind.name()).isFalse();
            assertThat(code.exportable(false)).as(kind.name()).isFalse();
            assertThat(code.source()).as(kind.name()).isNotBlank();
        }
    }
}
