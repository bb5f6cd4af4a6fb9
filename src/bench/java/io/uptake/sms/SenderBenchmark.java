package io.uptake.sms;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.type.PhoneNumber;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Not a test: how much {@link TwilioSmsSender} (classification, metrics) costs over bare twilio-java calls,
 * both through our {@link TwilioHttpClient} into {@link FakeTwilio} on localhost, in the same run.
 * Run it with {@code bench/sender.sh [messages] [threads]}.
 */
public final class SenderBenchmark {
    private SenderBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        try (FakeTwilio fake = FakeTwilio.start(threads * 2);
             TwilioHttpClient http = new TwilioHttpClient(Duration.ofSeconds(5), Duration.ofSeconds(15),
                     Duration.ofSeconds(5), threads * 2, fake.baseUrl())) {
            TwilioRestClient client = new TwilioRestClient.Builder("ACbench", "bench-token").httpClient(http).build();
            TwilioSmsSender sender = new TwilioSmsSender(client, "MGbench", "", Duration.ofMinutes(2),
                    new SmsMetrics(new SimpleMeterRegistry()), (id, sids) -> java.util.Set.of());
            IntConsumer bare = i -> Message.creator(new PhoneNumber(mobile(i)), "MGbench", "Benchmark text " + i)
                    .create(client);
            IntConsumer adapter = i -> sender.send(new SmsSender.OutboundSms(i, mobile(i), "Benchmark text " + i,
                    "https://uptake.example/webhooks/twilio/status?m=" + i));
            run("warm-up", Math.min(messages, 2000), threads, bare);
            run("warm-up", Math.min(messages, 2000), threads, adapter);
            fake.reset();
            // Alternated, best of two each: the machine is shared, so one slow moment should not decide.
            double bareRate = 0;
            double adapterRate = 0;
            for (int round = 0; round < 2; round++) {
                bareRate = Math.max(bareRate, run("bare SDK loop", messages, threads, bare));
                adapterRate = Math.max(adapterRate, run("TwilioSmsSender", messages, threads, adapter));
            }
            System.out.printf("ratio TwilioSmsSender / bare SDK (best of 2): %.2f (requests seen by the fake: %d,"
                    + " expected %d)%n", adapterRate / bareRate, fake.creates().size(), 4 * messages);
        }
    }

    private static double run(String name, int messages, int threads, IntConsumer send) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < messages; i = next.getAndIncrement()) {
                    send.accept(i);
                }
            }));
        }
        for (Future<?> w : workers) {
            w.get();
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = messages / seconds;
        System.out.printf("%-16s %7d messages, %2d threads: %8.0f messages/s%n", name, messages, threads, rate);
        return rate;
    }

    private static String mobile(int i) {
        return String.format("+447700900%03d", i % 1000);
    }
}
