package io.uptake.campaign;

import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.testsupport.Database;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared bucket: replies charged into debt come before bulk, which then waits for the debt to refill. */
@MicronautTest(transactional = false)
@Property(name = "micronaut.server.port", value = "-1")
@Property(name = "uptake.campaign.dispatcher.enabled", value = "false")
@Property(name = "uptake.campaign.quartz.auto-start", value = "false")
@Property(name = "uptake.campaign.throttle.messages-per-second", value = "10")
class SendThrottleTest {
    @Inject
    SendThrottle throttle;
    @Inject
    DataSource dataSource;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
    }

    @Test
    void aFullBucketGrantsItsBurstAndNoMore() throws Exception {
        long start = System.nanoTime();
        assertThat(throttle.take("test-sender", 25).granted()).isEqualTo(10);
        int second = throttle.take("test-sender", 25).granted();
        // Only what refilled in between (10 a second), however slow this machine is.
        long refilled = (long) Math.ceil((System.nanoTime() - start) / 1e9 * 10);
        assertThat(second).isBetween(0, (int) Math.min(10, refilled));
    }

    @Test
    void repliesChargedIntoDebtHoldBulkBack() throws Exception {
        // Forty auto-replies answered at once: at 10 a second the bucket owes three seconds before bulk may go.
        throttle.charge("test-sender", 40);
        SendThrottle.Grant grant = throttle.take("test-sender", 10);
        assertThat(grant.granted()).isZero();
        assertThat(grant.left()).isNegative();
    }

    @Test
    void aRoundTakesWhatTheBucketHoldsUpToItsBatchAndGivesBackWhatItDidNotUse() throws Exception {
        // Tokens before claims: a round asking for 25 gets the burst (10), not a wait for all 25.
        assertThat(throttle.takeUpTo("test-sender", 25)).isEqualTo(10);
        // It claimed fewer texts than it had tokens for: the rest go back for the next round, up to the burst.
        throttle.giveBack("test-sender", 7);
        int next = throttle.takeUpTo("test-sender", 25);
        assertThat(next).isBetween(7, 10);
        throttle.giveBack("test-sender", 100);
        assertThat(throttle.take("test-sender", 25).granted()).isEqualTo(10);
    }
}
