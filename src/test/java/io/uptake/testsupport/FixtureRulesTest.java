package io.uptake.testsupport;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of test fixtures (issue 12), read from the test sources themselves: campaign and message rows come from
 * {@link CampaignRows} alone, and tests date what they write by the context's clock, never by the JVM's.
 */
class FixtureRulesTest {
    private static final Path TESTS = Path.of("src/test/java");
    /** Written in pieces so that this file does not match itself. */
    private static final Pattern OWN_INSERT = Pattern.compile("INSERT INTO " + "(campaign|message)\\s*\\(");
    private static final Pattern WALL_CLOCK = Pattern.compile(
            "\\b(Instant|LocalDate|LocalDateTime|ZonedDateTime|OffsetDateTime)\\.now\\(\\)|Clock\\.system(UTC|DefaultZone)?\\(");
    /**
     * Where the wall clock is the point: FakeTwilio stamps texts as Twilio would, by real time; FakeNotify checks a
     * request's JWT is issued within 30 s of real time, as Notify does; and the sender tests ask the fakes for what
     * they took since a real instant (the reconciliation window).
     */
    private static final Set<String> PROVIDER_CLOCK = Set.of("sms/FakeTwilio.java", "sms/TwilioSmsSenderTest.java",
            "sms/SimulatedChannelTest.java", "sms/FakeNotify.java", "sms/NotifySmsSenderTest.java");

    @Test
    void onlyCampaignRowsInsertsCampaignAndMessageRows() throws IOException {
        assertThat(filesMatching(OWN_INSERT)).containsExactly("testsupport/CampaignRows.java");
    }

    @Test
    void testsDateRowsByTheContextsClock() throws IOException {
        assertThat(filesMatching(WALL_CLOCK)).as("files using the JVM's clock").isSubsetOf(PROVIDER_CLOCK);
    }

    private static List<String> filesMatching(Pattern pattern) throws IOException {
        try (Stream<Path> files = Files.walk(TESTS)) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> pattern.matcher(read(f)).find())
                    .map(f -> TESTS.resolve("io/uptake").relativize(f).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
