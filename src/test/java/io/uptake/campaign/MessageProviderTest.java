package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.CampaignRows;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Json;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The campaign's messages API gives each text's channel and the provider stored when it took the text (V232),
 * never a guess from the form of the provider's id.
 */
@MicronautTest(transactional = false)
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
@Property(name = "uptake.campaign.quartz.auto-start", value = "false")
class MessageProviderTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    Clock clock;

    @Test
    @SuppressWarnings("unchecked")
    void theProviderIsTheStoredOneAndEveryMessageIsATextByChannel() {
        Database.reset(dataSource);
        BlockingHttpClient http = client.toBlocking();
        Api api = new Api(http);
        Rows rows = new Rows(dataSource);
        long north = rows.pcn("North PCN");
        rows.practice("P84001", "Oak Surgery", north, Rows.PRACTICE_PHONE);
        String ccc = api.user("ccc.north", "CCC", "North PCN");
        CampaignRows campaigns = new CampaignRows(dataSource, clock);
        long campaign = campaigns.campaign(north).name("Stored providers").createdBy("ccc.north").insert();
        String[][] texts = {
                // provider id, stored provider: an id that looks like the simulated channel's but Twilio took it
                {"SMsim-looks-simulated", "twilio"},
                {"0b8f6a4e-3c1d-4e2a-9f7b-1a2b3c4d5e6f", "notify"},
                {"SM0123456789abcdef", "simulated"},
                {null, null}};
        for (int i = 0; i < texts.length; i++) {
            String mobile = Rows.mobile(400 + i);
            long patient = rows.patient("P84001").named("Pat" + i, "Provider").mobile(mobile).insert();
            long recipient = campaigns.recipient(campaign, patient).language("en").mobile(mobile).insert();
            long message = campaigns.message(campaign, recipient, patient).to(mobile).language("en").body("Hello")
                    .status(texts[i][0] == null ? "PENDING" : "SENT").providerSid(texts[i][0]).insert();
            rows.execute("UPDATE message SET provider = ? WHERE id = ?", texts[i][1], message);
        }
        Map<String, Object> page = http.retrieve(HttpRequest.GET("/api/campaigns/" + campaign + "/messages")
                .bearerAuth(ccc), Json.OBJECT);
        List<Map<String, Object>> messages = (List<Map<String, Object>>) page.get("messages");
        assertThat(messages).extracting(m -> m.get("channel") + " " + m.get("provider"))
                .containsExactlyInAnyOrder("SMS twilio", "SMS notify", "SMS simulated", "SMS null");
    }
}
