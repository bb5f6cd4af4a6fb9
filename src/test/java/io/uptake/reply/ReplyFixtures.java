package io.uptake.reply;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.uptake.sms.TwilioSignature;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.CampaignRows;
import io.uptake.testsupport.Rows;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** SQL helpers that put campaigns and sent messages in place, and a Twilio-like webhook caller. */
final class ReplyFixtures {
    static final String OUR_NUMBER = "+447700900999";
    private static final AtomicLong SIDS = new AtomicLong();
    private final DataSource dataSource;
    private final Rows rows;
    private final BlockingHttpClient http;
    private final TwilioSignature signature;
    private final CampaignRows campaigns;
    private final Clock clock;

    /** Rows dated by the service clock ({@code clock}): the context's TestClock where the test moves time. */
    ReplyFixtures(DataSource dataSource, BlockingHttpClient http, TwilioSignature signature, Clock clock) {
        this.dataSource = Database.raw(dataSource);
        this.rows = new Rows(dataSource);
        this.campaigns = new CampaignRows(dataSource, clock);
        this.clock = clock;
        this.http = http;
        this.signature = signature;
    }

    /** 07700 900nnn as E.164. */
    static String mobile(int n) {
        return Rows.mobile(n);
    }

    static String newSid() {
        return String.format("SM%032x", SIDS.incrementAndGet());
    }

    long pcn(String name) {
        return rows.pcn(name);
    }

    /** A practice with a phone number, which the auto-replies quote. */
    String practice(String code, String name, long pcnId) {
        return rows.practice(code, name, pcnId, Rows.PRACTICE_PHONE);
    }

    long patient(String practiceCode, String mobile, String language, String givenName) {
        return rows.patient(practiceCode).named(givenName, "Testperson").mobile(mobile).language(language).insert();
    }

    /** Two PCNs, each with one practice, one patient and one campaign, whose text the patient had yesterday. */
    record NorthAndSouth(long northPcn, long southPcn, long northPatient, long southPatient, long northCampaign,
                         long southCampaign) {
    }

    /** North PCN (P84001 Oak Surgery, Ada) and South PCN (P84002 Elm Surgery, Cy), texted yesterday. */
    NorthAndSouth northAndSouth(String northMobile, String southMobile) {
        long north = pcn("North PCN");
        long south = pcn("South PCN");
        practice("P84001", "Oak Surgery", north);
        practice("P84002", "Elm Surgery", south);
        long northPatient = patient("P84001", northMobile, "en", "Ada");
        long southPatient = patient("P84002", southMobile, "en", "Cy");
        long northCampaign = campaign(north, "North FIT");
        long southCampaign = campaign(south, "South FIT");
        Instant yesterday = clock.instant().minus(1, ChronoUnit.DAYS);
        sentMessage(northCampaign, northPatient, northMobile, "en", yesterday);
        sentMessage(southCampaign, southPatient, southMobile, "en", yesterday);
        return new NorthAndSouth(north, south, northPatient, southPatient, northCampaign, southCampaign);
    }

    long campaign(long pcnId, String name) {
        return campaigns.campaign(pcnId).name(name).programme("BOWEL").attributionDays(90).notLaunched().insert();
    }

    /** A campaign of a programme whose texts offer numbered choices (the FIT invitation, issue 15). */
    long fitCampaign(long pcnId, String name) {
        return campaigns.campaign(pcnId).name(name).programme("fit-non-returners").attributionDays(90).notLaunched()
                .insert();
    }

    /** A text already sent to the patient at {@code sentAt}. */
    long sentMessage(long campaignId, long patientId, String to, String language, Instant sentAt) {
        long recipient = campaigns.recipient(campaignId, patientId).language(language).mobile(to)
                .indexDate(LocalDate.ofInstant(sentAt, clock.getZone())).insert();
        return campaigns.message(campaignId, recipient, patientId).to(to).language(language)
                .body("Your bowel screening kit: please return it. Reply CALL.").segments(1).status("DELIVERED")
                .sentAt(sentAt).insert();
    }

    /** A reminder queued for later: not yet sent. */
    long queuedMessage(long campaignId, long patientId, String to, Instant dueAt) {
        long recipient = insert("SELECT id FROM recipient WHERE campaign_id = ? AND patient_id = ?", campaignId, patientId);
        return campaigns.message(campaignId, recipient, patientId).wave(2).to(to).language("en").dueAt(dueAt).insert();
    }

    String messageStatus(long messageId) {
        return (String) row("SELECT status FROM message WHERE id = ?", messageId).get("status");
    }

    Map<String, Object> inbound(String messageSid) {
        return row("SELECT * FROM inbound_message WHERE message_sid = ?", messageSid);
    }

    long count(String sql, Object... args) {
        return ((Number) row(sql, args).values().iterator().next()).longValue();
    }

    List<Map<String, Object>> rows(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    Map<String, Object> row(String sql, Object... args) {
        List<Map<String, Object>> rows = rows(sql, args);
        if (rows.size() != 1) {
            throw new IllegalStateException(rows.size() + " rows for " + sql);
        }
        return rows.get(0);
    }

    private long insert(String sql, Object... args) {
        return ((Number) row(sql, args).values().iterator().next()).longValue();
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }

    /** Twilio's parameters for a text from {@code from}, including some we do not use. */
    static Map<String, String> twilioForm(String sid, String from, String body) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("ToCountry", "GB");
        form.put("SmsMessageSid", sid);
        form.put("NumMedia", "0");
        form.put("SmsSid", sid);
        form.put("SmsStatus", "received");
        form.put("Body", body);
        form.put("To", OUR_NUMBER);
        form.put("NumSegments", "1");
        form.put("MessageSid", sid);
        form.put("AccountSid", "ACfake-test-account");
        form.put("From", from);
        form.put("ApiVersion", "2010-04-01");
        return form;
    }

    /** Posts as Twilio would, signed. */
    HttpResponse<String> deliver(Map<String, String> form) {
        return post(form, signature.sign(InboundWebhookController.PATH, form));
    }

    HttpResponse<String> post(Map<String, String> form, String sig) {
        var request = HttpRequest.POST(InboundWebhookController.PATH, form)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED_TYPE);
        if (sig != null) {
            request.header(TwilioSignature.HEADER, sig);
        }
        try {
            return http.exchange(request, String.class);
        } catch (HttpClientResponseException e) {
            return refused(e);
        }
    }

    /** A refused post's answer, as the webhook gave it: status, headers and body as text. */
    private static HttpResponse<String> refused(HttpClientResponseException e) {
        MutableHttpResponse<String> answer = HttpResponse.status(e.getStatus());
        e.getResponse().getHeaders().forEach((name, values) -> values.forEach(value -> answer.header(name, value)));
        e.getResponse().getBody(String.class).ifPresent(answer::body);
        return answer;
    }

    /** Posts a form body exactly as given (bytes Twilio might send that no Java string produces), signed over {@code signed}. */
    HttpResponse<String> deliverRaw(String encodedBody, Map<String, String> signed) {
        var request = HttpRequest.POST(InboundWebhookController.PATH, encodedBody)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED_TYPE)
                .header(TwilioSignature.HEADER, signature.sign(InboundWebhookController.PATH, signed));
        try {
            return http.exchange(request, String.class);
        } catch (HttpClientResponseException e) {
            return refused(e);
        }
    }

    /** The text of the TwiML {@code <Message>}, or null when the response has none. */
    static String messageOf(String twiml) {
        return Twiml.messageText(twiml);
    }
}
