package io.uptake.bench;

import io.micronaut.context.ApplicationContext;
import io.uptake.demo.SyntheticDataset;
import io.uptake.importing.ImportResult;
import io.uptake.importing.Importer;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import javax.sql.DataSource;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The import benchmark (not a test). For each size it generates the synthetic data set to files, then in
 * the same database and the same run: COPYs the rows straight into patient and event (the physical
 * limit), empties them, and imports the same rows through {@link Importer} from the CSV files as a
 * client's upload would be. Prints rows/s of both, the ratio, and the peak heap during each import.
 *
 * <p>Run with {@code bench/import.sh [pcn|icb|all]} (which uses -Xmx512m). The database of the last size
 * is left loaded in {@code target/bench-db/<size>} for the cohort and report benchmarks
 * ({@code UPTAKE_DATA_DIR=target/bench-db/icb}).
 */
public final class ImportBenchmark {
    private ImportBenchmark() {
    }

    record Figure(String size, String table, long rows, double copySeconds, double importSeconds, long peakHeapMb) {
        String line() {
            return String.format(Locale.ROOT, "| %s | %s | %,d | %.1f | %,.0f | %.1f | %,.0f | %.0f%% | %d |", size, table, rows,
                    copySeconds, rows / copySeconds, importSeconds, rows / importSeconds,
                    100.0 * copySeconds / importSeconds, peakHeapMb);
        }
    }

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "all";
        LocalDate asOf = args.length > 1 ? LocalDate.parse(args[1]) : LocalDate.of(2026, 11, 24);
        List<SyntheticDataset.Spec> specs = new ArrayList<>();
        if (which.equals("pcn") || which.equals("all")) {
            specs.add(SyntheticDataset.pcnScale(asOf));
        }
        if (which.equals("icb") || which.equals("all")) {
            specs.add(SyntheticDataset.icbScale(asOf));
        }
        // Not an HTTP upload: the service's upload limit does not apply to the benchmark's files.
        System.setProperty("uptake.importing.max-upload-bytes", Long.toString(Long.MAX_VALUE));
        List<Figure> figures = new ArrayList<>();
        if (which.equals("icb-events")) {
            // Resume after a run whose patients were imported: import only the events into the kept database,
            // against the raw COPY time that run measured (args[2], seconds). Used when a run was cut short.
            figures.add(eventsOnly(SyntheticDataset.icbScale(asOf), Double.parseDouble(args[2])));
        }
        for (SyntheticDataset.Spec spec : specs) {
            figures.addAll(run(spec));
        }
        System.out.println();
        System.out.println("Max heap (-Xmx): " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB, cores: "
                + Runtime.getRuntime().availableProcessors() + ", asOf " + asOf);
        System.out.println("| size | table | rows | raw COPY s | raw COPY rows/s | import s | import rows/s | import/COPY | import peak heap MB |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        figures.forEach(f -> System.out.println(f.line()));
    }

    private static List<Figure> run(SyntheticDataset.Spec spec) throws Exception {
        SyntheticDataset data = new SyntheticDataset(spec);
        Path files = Path.of("target", "bench-data", spec.name());
        Files.createDirectories(files);
        Instant stamp = Instant.parse(spec.asOf() + "T12:00:00Z");
        log("generating %s: %,d patients, ~%,d events", spec.name(), spec.patients(), spec.events());
        if (!Files.exists(files.resolve("events.copy"))) {
            generate(data, files, stamp);  // deterministic: files of an earlier run of the same spec are the same
        }
        return runLoaded(data, spec, files, stamp);
    }

    private static void generate(SyntheticDataset data, Path files, Instant stamp) throws Exception {
        try (Writer w = writer(files.resolve("practices.csv"))) {
            data.writePracticesCsv(w);
        }
        try (Writer w = writer(files.resolve("patients.csv"))) {
            data.writePatientsCsv(w);
        }
        try (Writer w = writer(files.resolve("events.csv"))) {
            data.writeEventsCsv(w);
        }
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(files.resolve("patients.copy")), 1 << 20)) {
            RawCopyLoader.writePatients(data, stamp, o);
        }
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(files.resolve("events.copy")), 1 << 20)) {
            RawCopyLoader.writeEvents(data, stamp, o);
        }
    }

    private static List<Figure> runLoaded(SyntheticDataset data, SyntheticDataset.Spec spec, Path files, Instant stamp)
            throws Exception {
        System.setProperty("uptake.data-dir", Path.of("target", "bench-db", spec.name()).toString());
        System.setProperty("uptake.data-fresh", "true");
        try (ApplicationContext context = ApplicationContext.run("bench")) {
            DataSource dataSource = io.micronaut.data.connection.jdbc.advice.DelegatingDataSource
                    .unwrapDataSource(context.getBean(DataSource.class));
            Importer importer = context.getBean(Importer.class);
            CurrentUser admin = new CurrentUser("bench", Role.ADMIN, null);
            long patientsCopied;
            long eventsCopied;
            double copyPatients;
            double copyEvents;
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                new RawCopyLoader(c).loadPractices(data, stamp);
                c.commit();
                long t0 = System.nanoTime();
                patientsCopied = new RawCopyLoader(c).copyFile(files.resolve("patients.copy"), true);
                c.commit();
                long t1 = System.nanoTime();
                eventsCopied = new RawCopyLoader(c).copyFile(files.resolve("events.copy"), false);
                c.commit();
                long t2 = System.nanoTime();
                copyPatients = (t1 - t0) / 1e9;
                copyEvents = (t2 - t1) / 1e9;
                log("raw COPY: %,d patients in %.1f s, %,d events in %.1f s", patientsCopied, copyPatients, eventsCopied, copyEvents);
                try (var st = c.createStatement()) {
                    st.execute("TRUNCATE event, opt_out_ledger, patient RESTART IDENTITY CASCADE");
                    st.execute("CHECKPOINT");
                }
                c.commit();
            }
            importFile(importer, admin, "practices", files.resolve("practices.csv"));
            long[] heap = new long[1];
            double importPatients = timed(heap, () -> check(importFile(importer, admin, "patients", files.resolve("patients.csv")), patientsCopied));
            long patientHeap = heap[0];
            double importEvents = timed(heap, () -> check(importFile(importer, admin, "events", files.resolve("events.csv")), eventsCopied));
            long eventHeap = heap[0];
            log("import: patients in %.1f s (peak heap %d MB), events in %.1f s (peak heap %d MB)",
                    importPatients, patientHeap, importEvents, eventHeap);
            return List.of(new Figure(spec.name(), "patient", patientsCopied, copyPatients, importPatients, patientHeap),
                    new Figure(spec.name(), "event", eventsCopied, copyEvents, importEvents, eventHeap));
        }
    }

    private static Figure eventsOnly(SyntheticDataset.Spec spec, double copyEventsSeconds) throws Exception {
        Path files = Path.of("target", "bench-data", spec.name());
        System.setProperty("uptake.data-dir", Path.of("target", "bench-db", spec.name()).toString());
        System.setProperty("uptake.data-fresh", "false");
        try (ApplicationContext context = ApplicationContext.run("bench")) {
            Importer importer = context.getBean(Importer.class);
            long[] heap = new long[1];
            ImportResult[] result = new ImportResult[1];
            double seconds = timed(heap, () -> result[0] = importFile(importer, new CurrentUser("bench", Role.ADMIN, null),
                    "events", files.resolve("events.csv")));
            check(result[0], result[0].received());
            log("import: %,d events in %.1f s (peak heap %d MB)", result[0].inserted(), seconds, heap[0]);
            return new Figure(spec.name(), "event", result[0].inserted(), copyEventsSeconds, seconds, heap[0]);
        }
    }

    private static ImportResult importFile(Importer importer, CurrentUser user, String kind, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return importer.importCsv(kind, in, user);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void check(ImportResult result, long expected) {
        if (result.inserted() != expected || result.rejected() != 0) {
            throw new IllegalStateException("import stored " + result.inserted() + " rows, rejected " + result.rejected()
                    + ", expected " + expected + "; first errors: " + result.errors().subList(0, Math.min(5, result.errors().size())));
        }
    }

    /** Runs {@code work}, sampling heap use every 10 ms; returns seconds and puts the peak MB in heap[0]. */
    private static double timed(long[] heap, Runnable work) throws InterruptedException {
        System.gc();
        var memory = ManagementFactory.getMemoryMXBean();
        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        long t0 = System.nanoTime();
        work.run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        sampler.interrupt();
        sampler.join();
        heap[0] = peak.get() / (1024 * 1024);
        return seconds;
    }

    private static Writer writer(Path file) throws java.io.IOException {
        return new OutputStreamWriter(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20), StandardCharsets.UTF_8);
    }

    private static void log(String format, Object... args) {
        System.out.println("[bench] " + String.format(Locale.ROOT, format, args));
    }
}
