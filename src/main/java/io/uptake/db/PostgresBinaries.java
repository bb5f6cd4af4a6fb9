package io.uptake.db;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.util.LinuxUtils;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The PostgreSQL programs that zonky's binaries jar carries (initdb, pg_ctl, postgres), unpacked into a private
 * cache: {@code $XDG_CACHE_HOME/uptake/postgres-binaries} (default {@code ~/.cache/uptake/postgres-binaries}).
 * zonky unpacks them into {@code /tmp/embedded-pg} and makes that world-writable, so any local user could put a
 * program there that we would then run; this cache is created 0700, and it and every folder above it are checked
 * before anything in it is run. It also starts every program with a clean environment (see {@link #process}).
 */
final class PostgresBinaries {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresBinaries.class);
    private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    private static final String COMPLETE = ".complete";
    /**
     * What a PostgreSQL program may see of the service's environment: the path and the locale (initdb takes the
     * cluster's locale from it). Nothing else, so not the service's secrets (UPTAKE_*, TWILIO_*, DATASOURCES_*):
     * a superuser's {@code COPY ... FROM PROGRAM 'env'}, or anyone who can read /proc/PID/environ of a postgres
     * process, would otherwise read them.
     */
    private static final List<String> KEPT = List.of("PATH", "LANG", "LANGUAGE", "TZ");

    private static PostgresBinaries prepared;

    private final Path dir;

    private PostgresBinaries(Path dir) {
        this.dir = dir;
    }

    /** Unpacks the binaries into the private cache unless they are there already, and checks the cache. */
    static synchronized PostgresBinaries prepare() {
        if (prepared == null || !Files.isDirectory(prepared.dir)) {
            prepared = new PostgresBinaries(unpack(cacheRoot(System.getenv("XDG_CACHE_HOME"),
                    System.getProperty("user.home"))));
        }
        return prepared;
    }

    static Path cacheRoot(String xdgCacheHome, String userHome) {
        Path base = xdgCacheHome != null && !xdgCacheHome.isBlank() && Path.of(xdgCacheHome).isAbsolute()
                ? Path.of(xdgCacheHome) : Path.of(userHome, ".cache");
        return base.resolve("uptake").resolve("postgres-binaries");
    }

    Path dir() {
        return dir;
    }

    Path program(String name) {
        return dir.resolve("bin").resolve(name);
    }

    /**
     * A PostgreSQL program of this cache, with a clean environment and, as root, in a user namespace of its own
     * (zonky's way: PostgreSQL refuses to run as root; {@code unshare -U} makes it an unprivileged user there
     * while files keep their owner).
     */
    ProcessBuilder process(String name, List<String> args) {
        List<String> command = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.add(program(name).toString());
        command.addAll(args);
        return withCleanEnvironment(new ProcessBuilder(command));
    }

    static ProcessBuilder withCleanEnvironment(ProcessBuilder builder) {
        Map<String, String> env = builder.environment();
        Map<String, String> kept = new java.util.HashMap<>();
        env.forEach((k, v) -> {
            if (KEPT.contains(k) || k.startsWith("LC_")) {
                kept.put(k, v);
            }
        });
        env.clear();
        env.putAll(kept);
        env.putIfAbsent("PATH", "/usr/bin:/bin");
        return builder;
    }

    private static Path unpack(Path root) {
        try {
            createPrivateDirectories(root);
            checkPrivate(root);
            byte[] archive = archive();
            Path target = root.resolve("PG-" + HexFormat.of().formatHex(sha256(archive), 0, 16));
            if (Files.exists(target.resolve(COMPLETE))) {
                checkPrivate(target);
                return target;
            }
            // Unpacked beside and moved into place in one step: a JVM that stops half-way leaves no half cache,
            // and two JVMs unpacking at once both end with the same complete one.
            Path partial = Files.createDirectory(root.resolve(".unpacking-" + UUID.randomUUID()),
                    PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
            try {
                LOG.info("Unpacking the embedded PostgreSQL into {}", target);
                extract(archive, partial);
                Files.createFile(partial.resolve(COMPLETE));
                moveIntoPlace(partial, target);
            } finally {
                deleteRecursively(partial);
            }
            checkPrivate(target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare the embedded PostgreSQL in " + root
                    + " (set XDG_CACHE_HOME to a private folder of your own to use another place)", e);
        }
    }

    /**
     * Moves a complete unpacked copy into place in one step, or leaves it when another JVM's complete copy got there
     * first. On Linux, renaming a folder onto a non-empty one fails with ENOTEMPTY, which the JDK reports as a plain
     * {@link FileSystemException} ("Directory not empty"), not as {@code DirectoryNotEmptyException}: catching only
     * the latter made the second of two test JVMs starting at once on a fresh machine fail (issue 16).
     */
    static void moveIntoPlace(Path partial, Path target) throws IOException {
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("Cannot move " + partial + " into place", e);
        } catch (FileSystemException e) {
            if (!Files.exists(target.resolve(COMPLETE))) {
                throw e;
            }
            // Another JVM was quicker: its copy is complete, so use it (the caller deletes ours).
        }
    }

    private static byte[] archive() throws IOException {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String system = os.startsWith("windows") ? "Windows" : os.startsWith("mac") ? "Darwin" : "Linux";
        String arch = System.getProperty("os.arch");
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system,
                "amd64".equals(arch) ? "x86_64" : arch)) {
            return in.readAllBytes();
        }
    }

    private static void extract(byte[] archive, Path into) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = into.resolve(entry.getName()).normalize();
                if (!path.startsWith(into)) {
                    throw new IOException("Archive entry outside its folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    Files.setPosixFilePermissions(path, PRIVATE_DIR);
                    continue;
                }
                Files.createDirectories(path.getParent());
                if (entry.isSymbolicLink()) {
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createLink(path, into.resolve(entry.getLinkName()).normalize());
                } else if (entry.isFile()) {
                    Files.copy(tar, path);
                    // The archive's owner bits only: nobody else reads, writes or runs anything here.
                    int mode = (entry.getMode() & 0700) | 0600;
                    if (path.getParent().getFileName().toString().equals("bin")) {
                        mode |= 0100;
                    }
                    Files.setPosixFilePermissions(path, permissions(mode));
                } else {
                    throw new IOException("Unexpected archive entry " + entry.getName());
                }
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder s = new StringBuilder();
        String rwx = "rwx";
        for (int bit = 8; bit >= 0; bit--) {
            s.append((mode & (1 << bit)) != 0 ? rwx.charAt(2 - bit % 3) : '-');
        }
        return PosixFilePermissions.fromString(s.toString());
    }

    private static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            createPrivateDirectories(parent);
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
        } catch (FileAlreadyExistsException e) {
            // Made meanwhile by another JVM; checked below like any other.
        }
    }

    /**
     * The folder must be ours and writable by nobody else, and so must every folder above it, unless that one
     * has the sticky bit (like /tmp, where others cannot rename or delete what is ours).
     */
    static void checkPrivate(Path dir) throws IOException {
        String me = System.getProperty("user.name");
        String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
        if (!owner.equals(me) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " belongs to " + owner + ", not to " + me + " (or is not a folder)");
        }
        if ((mode(dir) & 0077) != 0) {
            throw new IOException(dir + " can be read or written by other users: it must be private (chmod 700)");
        }
        for (Path up = dir.toRealPath().getParent(); up != null; up = up.getParent()) {
            int mode = mode(up);
            String upOwner = Files.getOwner(up).getName();
            boolean othersWrite = (mode & 0022) != 0;
            boolean sticky = (mode & 01000) != 0;
            if (othersWrite && !sticky || !upOwner.equals(me) && !upOwner.equals("root")) {
                throw new IOException(up + ", above " + dir + ", can be changed by other users");
            }
        }
    }

    private static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
