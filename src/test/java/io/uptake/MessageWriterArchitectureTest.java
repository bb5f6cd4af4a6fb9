package io.uptake;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.uptake.outbox.Claims;
import io.uptake.outbox.Outcomes;
import io.uptake.outbox.ProviderReports;
import io.uptake.outbox.Reconciliations;
import io.uptake.outbox.Schedule;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Only classes of the {@code io.uptake.outbox} package write {@code message} rows: the send path's claim and
 * lease ({@link Claims}), its write-back ({@link Outcomes}), the provider's reports ({@link ProviderReports}), the
 * schedule ({@link Schedule}) and the reconciler's statements ({@link Reconciliations}). The rule names the package,
 * not the classes, so the outbox can be split by job without loosening it; a writer anywhere else still fails.
 * ArchUnit sees classes, not SQL, so the rule reads each compiled class's string constants (SQL text blocks and
 * literals, lambdas included: their bodies compile into the same class) and fails for any other class whose
 * constants create, change or delete a message row.
 */
class MessageWriterArchitectureTest {
    /** A statement that writes the message table (not inbound_message, not message_x). */
    static final Pattern WRITES_MESSAGE = Pattern.compile(
            "\\b(UPDATE|INSERT\\s+INTO|DELETE\\s+FROM|MERGE\\s+INTO|TRUNCATE(\\s+TABLE)?|COPY)\\s+(ONLY\\s+)?message\\b",
            Pattern.CASE_INSENSITIVE);

    static final ArchCondition<JavaClass> WRITE_MESSAGE_ROWS = new ArchCondition<>("write message rows in SQL") {
        @Override
        public void check(JavaClass c, ConditionEvents events) {
            for (String s : stringConstants(c)) {
                if (WRITES_MESSAGE.matcher(s).find()) {
                    String first = s.strip().lines().findFirst().orElse("");
                    events.add(SimpleConditionEvent.satisfied(c, c.getName() + " writes message rows: " + first));
                }
            }
        }
    };

    static final String OUTBOX = "io.uptake.outbox";

    static final ArchRule ONLY_THE_OUTBOX_WRITES_MESSAGES = noClasses()
            .that().resideOutsideOfPackage(OUTBOX)
            .should(WRITE_MESSAGE_ROWS)
            .because("the io.uptake.outbox package is the one writer of message status (issue 12)");

    private static final JavaClasses MAIN = MainClasses.IMPORTED;

    @Test
    void onlyTheOutboxPackageWritesMessageRows() {
        ONLY_THE_OUTBOX_WRITES_MESSAGES.check(MAIN);
    }

    @Test
    void theRuleSeesTheOutboxsOwnStatements() {
        // The rule is not vacuous: read the same way, each of the outbox's classes does write messages.
        for (Class<?> writer : List.of(Claims.class, Outcomes.class, ProviderReports.class, Schedule.class,
                Reconciliations.class)) {
            assertThat(writer.getPackageName()).isEqualTo(OUTBOX);
            assertThat(stringConstants(MAIN.get(writer))).as(writer.getSimpleName())
                    .anyMatch(s -> WRITES_MESSAGE.matcher(s).find());
        }
    }

    /** A second writer, as someone might add one outside the outbox package (this is io.uptake): the rule fails. */
    static class SecondWriter {
        static final String SQL = """
                update   message
                SET status = 'CANCELLED' WHERE id = ?""";

        Runnable inALambda() {
            return () -> System.out.println("DELETE FROM message WHERE id = 1");
        }
    }

    @Test
    void aSecondWriterFails() {
        assertThat(SecondWriter.class.getPackageName()).isNotEqualTo(OUTBOX);
        JavaClasses withSecondWriter = new ClassFileImporter().importClasses(SecondWriter.class, Schedule.class,
                Claims.class);
        assertThatThrownBy(() -> ONLY_THE_OUTBOX_WRITES_MESSAGES.check(withSecondWriter))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(SecondWriter.class.getName() + " writes message rows: update   message")
                .hasMessageContaining("DELETE FROM message");
    }

    @Test
    void readsAndOtherTablesAreNotWrites() {
        assertThat(WRITES_MESSAGE.matcher("SELECT status FROM message WHERE id = ?").find()).isFalse();
        assertThat(WRITES_MESSAGE.matcher("UPDATE inbound_message SET inbox_status = 'DONE'").find()).isFalse();
        assertThat(WRITES_MESSAGE.matcher("UPDATE message_x SET a = 1").find()).isFalse();
        assertThat(WRITES_MESSAGE.matcher("UPDATE message m SET status = 'SENDING'").find()).isTrue();
        assertThat(WRITES_MESSAGE.matcher("insert\ninto message (id)").find()).isTrue();
    }

    /** The CONSTANT_Utf8 entries of the class file: every string literal, text block and name in it. */
    static List<String> stringConstants(JavaClass c) {
        var uri = c.getSource().orElseThrow(() -> new IllegalStateException("no class file for " + c)).getUri();
        try (InputStream raw = uri.toURL().openStream(); DataInputStream in = new DataInputStream(raw)) {
            in.readInt(); // magic
            in.readUnsignedShort(); // minor
            in.readUnsignedShort(); // major
            int count = in.readUnsignedShort();
            List<String> out = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> out.add(in.readUTF()); // Utf8 (modified UTF-8, which readUTF reads)
                    case 3, 4 -> in.skipBytes(4); // Integer, Float
                    case 5, 6 -> { // Long, Double take two slots
                        in.skipBytes(8);
                        i++;
                    }
                    case 7, 8, 16, 19, 20 -> in.skipBytes(2); // Class, String, MethodType, Module, Package
                    case 9, 10, 11, 12, 17, 18 -> in.skipBytes(4); // refs, NameAndType, Dynamic, InvokeDynamic
                    case 15 -> in.skipBytes(3); // MethodHandle
                    default -> throw new IllegalStateException("constant pool tag " + tag + " in " + uri);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
