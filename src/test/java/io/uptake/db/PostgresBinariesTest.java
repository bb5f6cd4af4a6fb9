package io.uptake.db;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two JVMs unpacking the embedded PostgreSQL at once on a fresh machine (the suite's two test JVMs, or a test and
 * its child instance): the slower one must take the quicker one's complete copy, not fail to start. It did fail,
 * on a fresh CI-like machine, with "Directory not empty" (issue 16).
 */
class PostgresBinariesTest {
    @TempDir
    Path root;

    @Test
    void aCopyMovedIntoPlaceWhileAnotherJvmsCompleteCopyIsThereIsLeftForIt() throws IOException {
        Path quicker = unpacked(root.resolve("PG-abc"));
        Path ours = unpacked(root.resolve(".unpacking-1"));

        PostgresBinaries.moveIntoPlace(ours, quicker);

        assertThat(quicker.resolve(".complete")).exists();
        assertThat(quicker.resolve("bin/postgres")).hasContent("quicker");
    }

    @Test
    void aCopyMovesIntoAnEmptyPlace() throws IOException {
        Path ours = unpacked(root.resolve(".unpacking-1"));

        PostgresBinaries.moveIntoPlace(ours, root.resolve("PG-abc"));

        assertThat(root.resolve("PG-abc/.complete")).exists();
        assertThat(ours).doesNotExist();
    }

    @Test
    void aHalfCopyInThePlaceIsNotTakenForAComplete() throws IOException {
        Path half = Files.createDirectories(root.resolve("PG-abc/bin"));
        Files.writeString(half.resolve("postgres"), "half");
        Path ours = unpacked(root.resolve(".unpacking-1"));

        assertThatThrownBy(() -> PostgresBinaries.moveIntoPlace(ours, root.resolve("PG-abc")))
                .isInstanceOf(FileSystemException.class);
    }

    private static Path unpacked(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("bin"));
        Files.writeString(dir.resolve("bin/postgres"), dir.getFileName().toString().startsWith("PG") ? "quicker" : "ours");
        Files.createFile(dir.resolve(".complete"));
        return dir;
    }
}
