package io.uptake.letter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Prints an HTML document to PDF with headless Chromium, whose text shaping is HarfBuzz's: Indic conjuncts and
 * pre-base vowel signs, mark positioning and Urdu's Nastaliq come out as the fonts mean them (docs/adr/0024).
 *
 * <p>Each run has its own directory (owner-only, as Java makes temporary directories), holding the page, the PDF,
 * Chromium's profile and its log; it is deleted afterwards, so no patient's letter stays on disk and concurrent
 * runs never share a profile. Chromium's output goes to the log file, never to a pipe that could fill and stall
 * it. A run that outlasts the timeout is killed with every process it started.
 */
final class Chromium {
    static final String PACKAGE = "chromium";
    private static final Logger LOG = LoggerFactory.getLogger(Chromium.class);
    /**
     * Virtual time the page is given to load before it is printed. Virtual time stands still while anything is
     * loading and runs at once when nothing is, so this costs no real time: it only makes the print wait.
     */
    private static final int LOADING_BUDGET_MS = 10_000;
    private final Path executable;
    private final Duration timeout;

    Chromium(Path executable, Duration timeout) {
        this.executable = executable;
        this.timeout = timeout;
        removeLeftovers(Path.of(System.getProperty("java.io.tmpdir")), timeout.multipliedBy(2), java.time.Instant.now());
    }

    /** The prefix of a run's directory: it holds patients' letters while the run lasts. */
    static final String DIRECTORY_PREFIX = "uptake-letters-";

    /**
     * Deletes run directories a JVM killed mid-print left behind (a finished run deletes its own), so that patients'
     * letters do not stay in the temporary directory. Only those older than {@code olderThan}: another instance on
     * this host may be printing in its own right now, and a run never lasts longer than its timeout.
     */
    static int removeLeftovers(Path tmp, Duration olderThan, java.time.Instant now) {
        int removed = 0;
        try (var dirs = Files.newDirectoryStream(tmp, DIRECTORY_PREFIX + "*")) {
            for (Path dir : dirs) {
                if (Files.isDirectory(dir) && Files.getLastModifiedTime(dir).toInstant().isBefore(now.minus(olderThan))) {
                    delete(dir);
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not look for letters left in {}: {}", tmp, e.getMessage());
        }
        if (removed > 0) {
            LOG.warn("Removed {} letter print directories left in {} by an earlier run that was stopped", removed, tmp);
        }
        return removed;
    }

    /**
     * Chromium's sandbox needs user namespaces, which a container running as root does not give it; as another user
     * it is kept. The page is our own escaped HTML under a policy that runs no script and loads only the fonts.
     */
    private static final boolean AS_ROOT = "root".equals(System.getProperty("user.name"));

    /** Chromium is not installed where the settings say. The message names the package to install. */
    static final class Missing extends RuntimeException {
        Missing(String message) {
            super(message);
        }
    }

    /** A run did not give a PDF; the message says why in words a CCC can pass on. */
    static class Failed extends RuntimeException {
        Failed(String message) {
            super(message);
        }
    }

    /** A run outlasted the timeout: Chromium's trouble (a loaded machine, a hang), not the letter's. */
    static final class TimedOut extends Failed {
        TimedOut(String message) {
            super(message);
        }
    }

    /** Looked up at each use, so installing the package needs no restart. */
    boolean installed() {
        return Files.isRegularFile(executable) && Files.isExecutable(executable);
    }

    Path executable() {
        return executable;
    }

    Duration timeout() {
        return timeout;
    }

    /** The sentence for a letter that needs Chromium when it is not installed. */
    String missing(String what) {
        return what + " need Chromium to be printed with correct shaping, and it is not at " + executable
                + ". Install the Debian package " + PACKAGE + " (apt-get install " + PACKAGE
                + ") or set uptake.letter.chromium to where it is.";
    }

    /**
     * The document printed to PDF, with the page size and margins of its CSS {@code @page} and no header or
     * footer.
     *
     * @throws Missing when Chromium is not installed
     * @throws Failed when the run fails, gives no PDF or outlasts the timeout
     */
    byte[] print(String html) {
        if (!installed()) {
            throw new Missing(missing("Letters"));
        }
        // Each run takes a few hundred MB and a core: downloads and the Notify job together wait their turn rather
        // than start a Chromium each on two cores.
        try {
            RUNS.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed("printing was interrupted");
        }
        try {
            return printInTempDir(html);
        } finally {
            RUNS.release();
        }
    }

    /** At most this many Chromium runs at once in this JVM. */
    static final int MAX_RUNS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    private static final java.util.concurrent.Semaphore RUNS = new java.util.concurrent.Semaphore(MAX_RUNS, true);

    private byte[] printInTempDir(String html) {
        Path dir;
        try {
            dir = Files.createTempDirectory(DIRECTORY_PREFIX);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make a directory to print letters in", e);
        }
        try {
            return print(html, dir);
        } finally {
            delete(dir);
        }
    }

    private byte[] print(String html, Path dir) {
        Path page = dir.resolve("letters.html");
        Path pdf = dir.resolve("letters.pdf");
        Path log = dir.resolve("chromium.log");
        try {
            Files.writeString(page, html, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new java.util.ArrayList<>(List.of(executable.toString(),
                "--headless", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
                "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
                // Without it Chromium may print before the fonts have loaded, with the text still invisible (a web
                // font's "block period"): the run waits for every load, then prints.
                "--virtual-time-budget=" + LOADING_BUDGET_MS,
                "--user-data-dir=" + dir.resolve("profile"), "--no-pdf-header-footer",
                "--print-to-pdf=" + pdf));
        if (AS_ROOT) {
            command.add(1, "--no-sandbox");
        }
        command.add(page.toUri().toString()); // last: the test stand-ins read the page from the last argument
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                        Path.of("/dev/null").toFile()));
        // Whatever Chromium writes for itself (caches, crash reports) goes in the run's directory.
        builder.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        builder.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new Failed("Chromium could not be started (" + executable + ": " + e.getMessage() + ")");
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new TimedOut("Chromium took longer than " + timeout.toSeconds() + " s to print and was stopped");
            }
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new Failed("printing was interrupted");
        } finally {
            // Chromium's helpers end with it; one that does not (a crash) is not left behind.
            process.descendants().forEach(ProcessHandle::destroyForcibly);
        }
        int exit = process.exitValue();
        byte[] out = Files.isRegularFile(pdf) ? read(pdf) : new byte[0];
        if (exit != 0 || out.length < 5 || !new String(out, 0, 5, StandardCharsets.ISO_8859_1).equals("%PDF-")) {
            LOG.warn("Chromium exited {} without a PDF; its last words: {}", exit, tail(log));
            throw new Failed("Chromium could not print (exit code " + exit + (out.length == 0 ? ", no PDF" : "")
                    + ")");
        }
        LOG.debug("Chromium printed {} bytes in {} ms", out.length, (System.nanoTime() - started) / 1_000_000);
        return out;
    }

    /** The process and all it started, killed and reaped, so none is left running or as a zombie of ours. */
    private static void kill(Process process) {
        // Its children first, while it is there to reap them; then it, which we reap.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                LOG.warn("Chromium (pid {}) did not end 10 s after it was killed", process.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The log's last lines that say something (Chromium also reports that there is no desktop bus). */
    private static String tail(Path log) {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            List<String> said = lines.filter(l -> !l.contains("dbus") && !l.isBlank()).toList();
            return String.join(" | ", said.subList(Math.max(0, said.size() - 5), said.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log)";
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("Could not delete {} after printing letters: {}", p, e.getMessage());
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete {} after printing letters: {}", dir, e.getMessage());
        }
    }
}
