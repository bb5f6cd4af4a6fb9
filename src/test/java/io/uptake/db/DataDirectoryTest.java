package io.uptake.db;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the data lives: UPTAKE_DATA_DIR when set; otherwise the XDG data folder, outside any checkout and build
 * output (the old default, data/postgres under the working folder, was target/data/postgres under mvn mn:run,
 * which mvn clean deleted); a database at that old place is used where it is, with a warning that says how to
 * move it.
 */
class DataDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void theDefaultIsTheUsersDataFolderWhicheverFolderTheServiceStartsFrom() {
        Path home = tmp.resolve("home");
        Path checkout = tmp.resolve("checkout");
        DataDirectory fromRoot = DataDirectory.resolve(null, checkout, null, home.toString());
        DataDirectory fromTarget = DataDirectory.resolve("", checkout.resolve("target"), "", home.toString());
        assertThat(fromRoot.path()).isEqualTo(home.resolve(".local/share/uptake/postgres"));
        assertThat(fromTarget.path()).isEqualTo(fromRoot.path());
        assertThat(fromRoot.warning()).isNull();

        Path xdg = tmp.resolve("xdg-data");
        assertThat(DataDirectory.resolve(null, checkout, xdg.toString(), home.toString()).path())
                .isEqualTo(xdg.resolve("uptake/postgres"));
    }

    @Test
    void uptakeDataDirDecides() throws Exception {
        Path legacy = Files.createDirectories(tmp.resolve("target/data/postgres"));
        Files.writeString(legacy.resolve("PG_VERSION"), "14\n");
        DataDirectory chosen = DataDirectory.resolve("elsewhere/pg", tmp.resolve("target"), null, tmp.toString());
        assertThat(chosen.path()).isEqualTo(Path.of("elsewhere/pg").toAbsolutePath());
        assertThat(chosen.warning()).isNull();
    }

    @Test
    void aDatabaseAtTheOldPlaceIsUsedWhereItIsWithAWarningHowToMoveIt() throws Exception {
        // Under mvn mn:run the working folder is target/, so the old code kept the database in target/data/postgres.
        Path workingDir = tmp.resolve("checkout/target");
        Path legacy = Files.createDirectories(workingDir.resolve("data/postgres"));
        Files.writeString(legacy.resolve("PG_VERSION"), "14\n");
        Path home = tmp.resolve("home");

        DataDirectory chosen = DataDirectory.resolve(null, workingDir, null, home.toString());
        assertThat(chosen.path()).isEqualTo(legacy);
        Path standard = home.resolve(".local/share/uptake/postgres");
        assertThat(chosen.warning()).contains(legacy.toString(), "mvn clean", "mv " + legacy + " " + standard,
                "UPTAKE_DATA_DIR=" + legacy);

        // Once moved (or when both exist), the new place wins.
        Files.createDirectories(standard);
        Files.writeString(standard.resolve("PG_VERSION"), "14\n");
        DataDirectory after = DataDirectory.resolve(null, workingDir, null, home.toString());
        assertThat(after.path()).isEqualTo(standard);
        assertThat(after.warning()).contains(legacy.toString(), "not used");
    }
}
