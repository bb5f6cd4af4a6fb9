package io.uptake.db;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the embedded PostgreSQL keeps its data. {@code UPTAKE_DATA_DIR} (or the system property
 * {@code uptake.data-dir}) decides when set. Otherwise {@code $XDG_DATA_HOME/uptake/postgres}, by default
 * {@code ~/.local/share/uptake/postgres}: the XDG base-directory place for a user's application data, outside any
 * checkout and build output, the same whichever folder the service is started from.
 * <p>
 * Earlier versions used {@code data/postgres} relative to the working directory, and under {@code mvn mn:run}
 * that is {@code target/}, where {@code mvn clean} deletes it. A database found there is used where it is, with
 * a warning that says how to move it.
 *
 * @param warning null, or what to tell the user about an old place still in use
 */
record DataDirectory(Path path, String warning) {
    static final Path LEGACY = Path.of("data", "postgres");

    static DataDirectory fromEnvironment() {
        String explicit = System.getProperty("uptake.data-dir");
        if (explicit == null || explicit.isBlank()) {
            explicit = System.getenv("UPTAKE_DATA_DIR");
        }
        return resolve(explicit, Path.of(""), System.getenv("XDG_DATA_HOME"), System.getProperty("user.home"));
    }

    static DataDirectory resolve(String explicit, Path workingDir, String xdgDataHome, String userHome) {
        if (explicit != null && !explicit.isBlank()) {
            return new DataDirectory(Path.of(explicit).toAbsolutePath().normalize(), null);
        }
        Path standard = (xdgDataHome != null && !xdgDataHome.isBlank() && Path.of(xdgDataHome).isAbsolute()
                ? Path.of(xdgDataHome) : Path.of(userHome, ".local", "share")).resolve("uptake").resolve("postgres");
        Path legacy = workingDir.resolve(LEGACY).toAbsolutePath().normalize();
        boolean legacyInUse = Files.exists(legacy.resolve("PG_VERSION"));
        if (legacyInUse && Files.exists(standard.resolve("PG_VERSION"))) {
            return new DataDirectory(standard, """
                    There is also a database in %s, where earlier versions kept it: it is not used (this one, in %s, \
                    is). Delete it when you no longer need it.""".formatted(legacy, standard));
        }
        if (legacyInUse) {
            return new DataDirectory(legacy, """
                    The database is in %1$s, where earlier versions kept it (data/postgres under the working \
                    folder; under mvn mn:run that is target/, which mvn clean deletes). It is used where it is. \
                    To move it to the default place, stop the service, then: mkdir -p %2$s && mv %1$s %3$s \
                    (or set UPTAKE_DATA_DIR=%1$s to keep it where it is and silence this warning)."""
                    .formatted(legacy, standard.getParent(), standard));
        }
        return new DataDirectory(standard, null);
    }
}
