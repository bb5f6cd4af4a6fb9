package io.uptake.sms;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

import java.util.function.Supplier;

/**
 * What a person on call wants from the sending side, on /prometheus: how long a send takes and how it
 * ended, every status a message moves to, and webhook calls we refused.
 */
@Singleton
class SmsMetrics {
    static final String SEND = "uptake.sms.send";
    static final String STATUS = "uptake.sms.message.status";
    static final String WEBHOOK_REJECTED = "uptake.sms.webhook.rejected";
    private final MeterRegistry registry;

    SmsMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Times one call to the provider, tagged with the channel and the outcome. */
    SmsSender.SendResult timeSend(String channel, Supplier<SmsSender.SendResult> send) {
        long start = System.nanoTime();
        SmsSender.SendResult result = null;
        try {
            result = send.get();
            return result;
        } finally {
            Timer.builder(SEND)
                    .description("Time of one send call to the SMS provider")
                    .tag("channel", channel)
                    .tag("outcome", result == null ? "ERROR" : result.outcome().name())
                    .publishPercentileHistogram()
                    .register(registry)
                    .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    /** One message moved from one status to another. */
    void transition(String from, String to) {
        Counter.builder(STATUS)
                .description("Message status transitions")
                .tag("from", from)
                .tag("to", to)
                .register(registry)
                .increment();
    }

    void webhookRejected(String reason) {
        Counter.builder(WEBHOOK_REJECTED)
                .description("Status callbacks refused")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }
}
