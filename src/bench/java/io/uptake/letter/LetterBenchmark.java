package io.uptake.letter;

import io.micronaut.context.ApplicationContext;
import io.uptake.patient.NhsNumber;
import io.uptake.template.MessageTemplates;
import io.uptake.template.Placeholders;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Benchmark, not a test: a wave's batch of letters (the eight languages in turn, synthetic patients) printed the
 * way letters were printed before docs/adr/0024 (openhtmltopdf, one letter at a time, loading every font for each,
 * then merged) and the way they are now (one Chromium run for the batch), in the same JVM, one after the other;
 * then letters one a run, as NotifyLetters prints them. Run it with the command in BENCHMARKS.md.
 */
public final class LetterBenchmark {
    static final List<String> LANGUAGES = List.of("en", "pl", "ro", "ar", "ur", "bn", "gu", "pa");

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int singles = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        System.setProperty("uptake.data-dir", Path.of("target", "bench-db", "letters").toString());
        System.setProperty("uptake.data-fresh", "true");
        Map<String, Object> props = new HashMap<>();
        props.put("micronaut.server.port", "-1");
        props.put("uptake.admin-password", "bench-bootstrap-passphrase");
        props.put("uptake.campaign.dispatcher.enabled", "false");
        props.put("uptake.campaign.quartz.auto-start", "false");
        try (ApplicationContext context = ApplicationContext.builder().properties(props).start()) {
            MessageTemplates templates = context.getBean(MessageTemplates.class);
            LetterRenderer renderer = context.getBean(LetterRenderer.class);
            List<Letter> letters = letters(templates, count);
            // Warm-up (timed, as the first letters after a start): classes, JIT, the fonts found, Chromium's files
            // in the page cache.
            long w0 = System.nanoTime();
            LetterRenderer.merge(List.of(renderer.openHtmlToPdf(letters.get(0)), renderer.openHtmlToPdf(letters.get(4))));
            long w1 = System.nanoTime();
            renderer.render(letters.subList(0, Math.min(8, count)));
            System.out.printf("first after start: openhtmltopdf 2 letters %.1f s; Chromium %d letters %.1f s%n",
                    (w1 - w0) / 1e9, Math.min(8, count), (System.nanoTime() - w1) / 1e9);

            double[] before = new double[runs];
            double[] after = new double[runs];
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                List<byte[]> pdfs = new ArrayList<>();
                for (Letter l : letters) {
                    pdfs.add(renderer.openHtmlToPdf(l));
                }
                byte[] merged = LetterRenderer.merge(pdfs);
                before[r] = (System.nanoTime() - t0) / 1e9;
                long t1 = System.nanoTime();
                LetterRenderer.Printed printed = renderer.render(letters);
                after[r] = (System.nanoTime() - t1) / 1e9;
                if (!printed.failed().isEmpty() || printed.printed().size() != count) {
                    throw new IllegalStateException("letters failed: " + printed.failed());
                }
                System.out.printf("run %d: openhtmltopdf %.1f s (%d bytes), Chromium %.1f s (%d bytes)%n", r + 1,
                        before[r], merged.length, after[r], printed.pdf().length);
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < singles; i++) {
                renderer.render(letters.get(i % letters.size()));
            }
            double single = (System.nanoTime() - t2) / 1e9 / singles;
            Arrays.sort(before);
            Arrays.sort(after);
            System.out.printf("%d letters, median of %d runs: openhtmltopdf %.1f s (%.2f s a letter),"
                            + " Chromium in one run %.1f s (%.2f s a letter); Chromium one letter a run %.2f s a letter%n",
                    count, runs, before[runs / 2], before[runs / 2] / count, after[runs / 2], after[runs / 2] / count,
                    single);
        }
    }

    static List<Letter> letters(MessageTemplates templates, int count) {
        List<Letter> out = new ArrayList<>();
        long n = 9_990_000_000L;
        for (int i = 0; i < count; i++) {
            String nhs;
            do {
                nhs = Long.toString(++n);
            } while (!NhsNumber.isValid(nhs));
            String language = LANGUAGES.get(i % LANGUAGES.size());
            var text = templates.letter("fit-non-returners", "initial", language,
                    new Placeholders("Patient" + i, "Moss Side Health Centre", "0161 496 0001", null));
            out.add(new Letter("Moss Side Health Centre", List.of("1 Moss Lane East", "Moss Side", "Manchester", "M16 7AA"),
                    "0161 496 0001", "Patient" + i + " Lee", List.of((i + 2) + " Birch Road", "Manchester", "M14 5AA"),
                    nhs, LocalDate.of(2026, 12, 1), text));
        }
        return out;
    }
}
