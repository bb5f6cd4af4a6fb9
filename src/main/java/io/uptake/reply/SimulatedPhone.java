package io.uptake.reply;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.security.CurrentUser;
import io.uptake.sms.TwilioSignature;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The simulated channel's "patient's phone": a reply typed by staff is sent to our own inbound webhook
 * over HTTP, with Twilio's parameters and a signature made as Twilio makes it, so it meets exactly the
 * checks a real reply meets. Only a number texted by a campaign of the caller's PCN can be used.
 */
@Singleton
class SimulatedPhone {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final JdbcOperations jdbc;
    private final TwilioSignature signature;
    private final BeanProvider<EmbeddedServer> server;
    private final String ourNumber;
    private final boolean simulated;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    SimulatedPhone(JdbcOperations jdbc, TwilioSignature signature, BeanProvider<EmbeddedServer> server,
                   @Value("${twilio.from:}") String from, io.uptake.sms.SmsSender sender) {
        this.jdbc = jdbc;
        this.signature = signature;
        this.server = server;
        // An Ofcom drama-range number stands in for ours when none is configured.
        this.ourNumber = from == null || from.isBlank() ? "+447700900000" : from;
        // The sender's own word: with Twilio or Notify texts, no pretend reply may reach the real webhook.
        this.simulated = "simulated".equals(sender.channel());
    }

    boolean enabled() {
        return simulated;
    }

    /** Patients texted by the caller's PCN's campaigns, most recently texted first. */
    @Transactional(readOnly = true)
    List<Phone> phones(CurrentUser user) {
        return jdbc.prepareStatement("""
                SELECT DISTINCT ON (m.to_number) m.to_number, p.given_name || ' ' || p.family_name AS name,
                       m.language, c.name AS campaign, m.sent_at
                FROM message m JOIN campaign c ON c.id = m.campaign_id JOIN patient p ON p.id = m.patient_id
                WHERE m.sent_at IS NOT NULL AND (CAST(? AS BIGINT) IS NULL OR c.pcn_id = ?)
                ORDER BY m.to_number, m.sent_at DESC, m.id DESC""", ps -> {
            ps.setObject(1, user.pcnScope(), Types.BIGINT);
            ps.setObject(2, user.pcnScope(), Types.BIGINT);
            try (ResultSet rs = ps.executeQuery()) {
                List<Phone> phones = new ArrayList<>();
                while (rs.next()) {
                    phones.add(new Phone(rs.getString("to_number"), rs.getString("name"), rs.getString("language"),
                            rs.getString("campaign"), rs.getTimestamp("sent_at").toInstant()));
                }
                phones.sort((a, b) -> b.lastTexted().compareTo(a.lastTexted()));
                return phones;
            }
        });
    }

    /** The phone's screen: our texts to the number and its replies with our answers, oldest first. */
    @Transactional(readOnly = true)
    List<Bubble> thread(String number) {
        return jdbc.prepareStatement("""
                SELECT at, mine, text FROM (
                    SELECT sent_at AS at, false AS mine, body AS text, 0 AS src, id, 0 AS part FROM message
                    WHERE to_number = ? AND sent_at IS NOT NULL
                    UNION ALL
                    SELECT received_at, true, body, 1, id, 1 FROM inbound_message WHERE from_number = ?
                    UNION ALL
                    SELECT received_at, false, auto_reply, 1, id, 2 FROM inbound_message
                    WHERE from_number = ? AND auto_reply IS NOT NULL) AS t
                ORDER BY at, src, id, part""", ps -> {
            ps.setString(1, number);
            ps.setString(2, number);
            ps.setString(3, number);
            try (ResultSet rs = ps.executeQuery()) {
                List<Bubble> bubbles = new ArrayList<>();
                while (rs.next()) {
                    bubbles.add(new Bubble(rs.getTimestamp("at").toInstant(), rs.getBoolean("mine"),
                            rs.getString("text") == null ? "" : rs.getString("text")));
                }
                return bubbles;
            }
        });
    }

    Optional<Phone> phone(CurrentUser user, String number) {
        return phones(user).stream().filter(p -> p.number().equals(number)).findFirst();
    }

    /**
     * Sends {@code body} from {@code number} through the inbound webhook, signed.
     * @return what the phone receives back (the TwiML message), null for none
     */
    Sent reply(String number, String body) {
        Map<String, String> form = new LinkedHashMap<>();
        String sid = "SM" + hex(16);
        form.put("MessageSid", sid);
        form.put("SmsMessageSid", sid);
        form.put("AccountSid", "AC" + "0".repeat(32));
        form.put("From", number);
        form.put("To", ourNumber);
        form.put("Body", body);
        form.put("NumSegments", "1");
        form.put("NumMedia", "0");
        form.put("ApiVersion", "2010-04-01");
        String encoded = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        URI uri = server.get().getURI().resolve(InboundWebhookController.PATH);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .header(TwilioSignature.HEADER, signature.sign(InboundWebhookController.PATH, form))
                .POST(HttpRequest.BodyPublishers.ofString(encoded, StandardCharsets.UTF_8)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new IllegalStateException("The inbound webhook answered " + response.statusCode());
            }
            return new Sent(sid, Twiml.messageText(response.body()));
        } catch (IOException e) {
            throw new IllegalStateException("Could not reach our own inbound webhook at " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    record Phone(String number, String name, String language, String campaign, Instant lastTexted) {
    }

    /** @param mine typed on the phone (an inbound reply), otherwise a text the phone received */
    record Bubble(Instant at, boolean mine, String text) {
    }

    record Sent(String messageSid, @Nullable String received) {
    }
}
