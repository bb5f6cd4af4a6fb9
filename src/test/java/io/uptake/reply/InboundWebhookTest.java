package io.uptake.reply;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.optout.OptOutLedger;
import io.uptake.sms.TwilioSignature;
import io.uptake.testsupport.Database;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest(transactional = false)
class InboundWebhookTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    TwilioSignature signature;
    @Inject
    OptOutLedger ledger;

    ReplyFixtures db;
    long pcn;
    long campaign;
    long patient;
    long sent;
    final String mobile = ReplyFixtures.mobile(101);

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        db = new ReplyFixtures(dataSource, client.toBlocking(), signature);
        pcn = db.pcn("North PCN");
        db.practice("P84001", "Oak Surgery", pcn);
        patient = db.patient("P84001", mobile, "en", "Ada");
        campaign = db.campaign(pcn, "FIT non-returners");
        sent = db.sentMessage(campaign, patient, mobile, "en", Instant.now().minus(1, ChronoUnit.DAYS));
    }

    @Test
    void unsignedOrWronglySignedDeliveriesAreRefusedAndNothingIsStored() {
        Map<String, String> form = ReplyFixtures.twilioForm(ReplyFixtures.newSid(), mobile, "STOP");
        assertThat(db.post(form, null).getStatus().getCode()).isEqualTo(403);
        String forOtherBody = signature.sign(InboundWebhookController.PATH,
                ReplyFixtures.twilioForm(form.get("MessageSid"), mobile, "Hello"));
        assertThat(db.post(form, forOtherBody).getStatus().getCode()).isEqualTo(403);

        assertThat(db.count("SELECT count(*) FROM inbound_message")).isZero();
        assertThat(db.count("SELECT count(*) FROM opt_out_ledger")).isZero();
        assertThat(ledger.isOptedOut(patient)).isFalse();
    }

    @Test
    void signedFreeTextIsStoredMatchedAndAcknowledgedAsTwiml() {
        String sid = ReplyFixtures.newSid();
        HttpResponse<String> response = db.deliver(ReplyFixtures.twilioForm(sid, mobile, "Can I do the test next week?"));

        assertThat(response.getStatus().getCode()).isEqualTo(200);
        assertThat(response.getContentType().orElseThrow().toString()).startsWith("text/xml");
        assertThat(response.body()).contains("<Response>");
        assertThat(ReplyFixtures.messageOf(response.body())).isNotBlank();
        Map<String, Object> row = db.inbound(sid);
        assertThat(row).containsEntry("patient_id", patient).containsEntry("campaign_id", campaign)
                .containsEntry("answered_message_id", sent).containsEntry("pcn_id", pcn)
                .containsEntry("classification", "FREE_TEXT").containsEntry("inbox_status", "OPEN")
                .containsEntry("body", "Can I do the test next week?").containsEntry("segments", 1)
                .containsEntry("from_number", mobile).containsEntry("to_number", ReplyFixtures.OUR_NUMBER)
                .containsEntry("likely_opt_out", false).containsEntry("candidate_patients", 1);
    }

    @Test
    void aSecondDeliveryOfTheSameMessageChangesNothingAndAnswersTheSame() {
        Map<String, String> form = ReplyFixtures.twilioForm(ReplyFixtures.newSid(), mobile, "STOP");
        HttpResponse<String> first = db.deliver(form);
        HttpResponse<String> second = db.deliver(form);

        assertThat(second.getStatus().getCode()).isEqualTo(200);
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(ReplyFixtures.messageOf(first.body())).isNotBlank();
        assertThat(db.count("SELECT count(*) FROM inbound_message")).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM opt_out_ledger")).isEqualTo(1);
    }
}
