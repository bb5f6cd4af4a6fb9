package io.uptake.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The embedded server's passwords: the superuser's (used only to set the server up at start and for a restore)
 * and the service role's. Made at the first start, kept in {@code uptake-credentials.properties} inside the data
 * directory (which PostgreSQL keeps 0700), itself 0600: only the service's user can read them.
 */
record Credentials(String superuserPassword, String appPassword) {
    private static final Logger LOG = LoggerFactory.getLogger(Credentials.class);
    static final String FILE = "uptake-credentials.properties";
    static final String SUPERUSER = "postgres";
    /** The service's role: it owns the application's database and everything in it, and is no superuser. */
    static final String APP_ROLE = "uptake";
    static final String APP_DATABASE = "uptake";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    static Credentials generate() {
        return new Credentials(password(), password());
    }

    /** Letters, digits, '-' and '_' only: safe inside a quoted SQL literal and a .pgpass line. */
    private static String password() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static Optional<Credentials> load(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                || !Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"))) {
            throw new IOException(file + " is not a file of " + System.getProperty("user.name"));
        }
        if (!Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS).equals(OWNER_ONLY)) {
            LOG.warn("{} could be read by other users: made private again (0600); consider changing the passwords", file);
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
        Properties p = new Properties();
        try (Reader in = new StringReader(Files.readString(file, StandardCharsets.UTF_8))) {
            p.load(in);
        }
        String superuser = p.getProperty("superuser-password");
        String app = p.getProperty("app-password");
        if (superuser == null || app == null) {
            throw new IOException(file + " lacks superuser-password or app-password");
        }
        return Optional.of(new Credentials(superuser, app));
    }

    /** Written beside and moved into place, so that a crash leaves the old file or the new one, never half. */
    void save(Path dataDir) throws IOException {
        Properties p = new Properties();
        p.setProperty("superuser-password", superuserPassword);
        p.setProperty("app-password", appPassword);
        StringWriter text = new StringWriter();
        p.store(text, "Passwords of this embedded PostgreSQL (roles " + SUPERUSER + " and " + APP_ROLE + "). Keep private.");
        Path tmp = Files.createTempFile(dataDir, ".credentials", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            Files.writeString(tmp, text.toString(), StandardCharsets.UTF_8);
            try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(tmp, dataDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A libpq password file for the service role (pg_dump, pg_restore), 0600, in {@code dir}. */
    Path pgpass(Path dir, int port) throws IOException {
        Path file = Files.createTempFile(dir, ".pgpass", "", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        Files.writeString(file, "127.0.0.1:" + port + ":*:" + APP_ROLE + ":" + appPassword + "\n", StandardCharsets.UTF_8);
        return file;
    }

    @Override
    public String toString() {
        return "Credentials[hidden]";
    }
}
