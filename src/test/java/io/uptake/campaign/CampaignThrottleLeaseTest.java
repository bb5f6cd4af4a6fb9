package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Api;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.TestClock;
import io.uptake.testsupport.Rows;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch that waits long for send tokens renews its lease, so the hand-over limit (counted from the claim)
 * does not give back every text it waited for. At 2 texts a second, ten texts wait about four seconds for
 * their tokens, well past the 2 s hand-over limit: without the renewal none would be sent in this round.
 */
@MicronautTest(transactional = false)
@ManualDispatch
// Monday 2 March 2026, 08:00 in London: inside the default window.
@Property(name = TestClock.START, value = "2026-03-02T08:00:00Z")
@Property(name = "spec.name", value = "CampaignThrottleLeaseTest")
@Property(name = "uptake.campaign.throttle.messages-per-second", value = "2")
@Property(name = "uptake.campaign.dispatcher.lease", value = "30s")
@Property(name = "uptake.campaign.dispatcher.hand-over-limit", value = "2s")
class CampaignThrottleLeaseTest {
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    CampaignHousekeeping housekeeping;
    @Inject
    Dispatcher dispatcher;

    @Test
    void aBatchThatWaitedForTokensRenewsItsLeaseAndSends() throws Exception {
        Database.reset(dataSource);
        SentLog.reset();
        new Rows(dataSource).patients("North PCN", "N00001", 10);
        String ccc = new Api(client.toBlocking()).user("ccc.north", "CCC", "North PCN");
        client.toBlocking().exchange(HttpRequest.POST("/api/campaigns",
                Map.of("name", "Throttled", "programme", "fit-non-returners")).bearerAuth(ccc), Map.class);
        housekeeping.run();

        assertThat(dispatcher.dispatchOnce("test-instance")).isEqualTo(10);

        assertThat(SentLog.requests()).hasSize(10);
        assertThat(new Rows(dataSource).queryLong("SELECT count(*) FROM message WHERE status = 'QUEUED' AND claimed_by IS NULL"))
                .isEqualTo(10);
    }
}
