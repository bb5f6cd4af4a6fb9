package io.uptake.outbox;

import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.CampaignRows;
import io.uptake.testsupport.Database;
import io.uptake.testsupport.Rows;
import io.uptake.testsupport.TestClock;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A capped campaign takes no more of a claim's batch than its allowance, and the rest of the batch goes to the other
 * campaigns' due texts in due order, even when the capped campaign's texts are older: its share is cut before the
 * batch's limit, not after (before, a capped campaign with older texts filled the limit, was cut to its allowance,
 * and an uncapped campaign got nothing that round).
 */
@MicronautTest(transactional = false)
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
@Property(name = "uptake.campaign.quartz.auto-start", value = "false")
@Property(name = TestClock.PROPERTY, value = TestClock.SETTABLE)
@Property(name = TestClock.START, value = "2026-03-06T10:00:00Z")
class ClaimsCapOrderTest {
    @Inject
    DataSource dataSource;
    @Inject
    TestClock clock;
    @Inject
    Claims claims;

    Rows rows;
    CampaignRows campaigns;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        rows = new Rows(dataSource);
        campaigns = new CampaignRows(dataSource, clock);
    }

    @Test
    void aCappedCampaignWithOlderTextsLeavesTheRestOfTheBatchToTheOthers() throws Exception {
        List<Rows.Patient> patients = rows.patients("North PCN", "N00001", 15);
        long pcn = rows.queryLong("SELECT id FROM pcn WHERE name = 'North PCN'");
        long capped = campaigns.campaign(pcn).name("Capped").insert();
        long open = campaigns.campaign(pcn).name("Uncapped").insert();
        for (int i = 0; i < 15; i++) {
            long campaign = i < 10 ? capped : open;
            Rows.Patient p = patients.get(i);
            long recipient = campaigns.recipient(campaign, p.id()).insert();
            // The capped campaign's ten are due an hour earlier than the other's five.
            campaigns.message(campaign, recipient, p.id())
                    .dueAt(clock.instant().minus(Duration.ofMinutes(i < 10 ? 120 - i : 60 - i))).insert();
        }
        List<Claimed> batch = claims.claim(new ClaimRequest("cap-order", List.of(capped, open), clock.instant(), 5,
                clock.instant().plusSeconds(60), List.of(), List.of(), List.of(), Map.of(capped, 2)));
        assertThat(batch.stream().filter(m -> m.campaignId() == capped)).as("the allowance").hasSize(2);
        assertThat(batch.stream().filter(m -> m.campaignId() == open)).as("the rest of the batch").hasSize(3);
        // Each campaign's oldest first.
        assertThat(batch.stream().filter(m -> m.campaignId() == open).map(Claimed::patientId))
                .containsExactly(patients.get(10).id(), patients.get(11).id(), patients.get(12).id());

        // An allowance of none: the capped campaign is left alone, the other's last two go.
        List<Claimed> next = claims.claim(new ClaimRequest("cap-order-2", List.of(capped, open), clock.instant(), 5,
                clock.instant().plusSeconds(60), List.of(), List.of(), List.of(), Map.of(capped, 0)));
        assertThat(next).extracting(Claimed::campaignId).containsExactly(open, open);
    }
}
