package io.uptake.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code postmaster.pid} of a data directory: the PID of the postmaster that wrote it and the port it listens on.
 * After a kill -9 of the service (or of the service and its watchdog) it may name a postmaster that still runs,
 * orphaned, or a process that is gone, or a PID the system has since given to another program.
 */
record PostmasterPid(long pid, int port) {
    static final String FILE = "postmaster.pid";

    static Optional<PostmasterPid> read(Path dataDir) {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve(FILE), StandardCharsets.UTF_8);
            long pid = Long.parseLong(lines.get(0).trim());
            int port = lines.size() > 3 && !lines.get(3).isBlank() ? Integer.parseInt(lines.get(3).trim()) : -1;
            return Optional.of(new PostmasterPid(pid, port));
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            // Half written (the postmaster died while writing it): nothing to go by.
            return Optional.of(new PostmasterPid(-1, -1));
        }
    }

    /**
     * Whether {@link #pid} is a live postgres working on {@code dataDir}: a postmaster changes into its data
     * directory and names it on its command line, a program that got the PID afterwards does neither.
     */
    boolean runsOn(Path dataDir) {
        if (pid <= 0) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return false;
        }
        Path dir = realPath(dataDir);
        Path proc = Path.of("/proc", Long.toString(pid));
        if (Files.isDirectory(proc)) {
            try {
                String[] cmdline = Files.readString(proc.resolve("cmdline"), StandardCharsets.UTF_8).split("\0");
                boolean postgres = cmdline.length > 0 && Path.of(cmdline[0]).getFileName().toString().equals("postgres");
                return postgres && Files.readSymbolicLink(proc.resolve("cwd")).equals(dir);
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        // No /proc (macOS): the command and its arguments, as far as the system shows them.
        ProcessHandle.Info info = process.get().info();
        return info.command().map(c -> Path.of(c).getFileName().toString().equals("postgres")).orElse(false)
                && info.arguments().map(a -> List.of(a).contains(dir.toString())
                        || List.of(a).contains(dataDir.toString())).orElse(false);
    }

    private static Path realPath(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize();
        }
    }
}
