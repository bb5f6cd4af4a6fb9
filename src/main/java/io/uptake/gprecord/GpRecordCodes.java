package io.uptake.gprecord;

import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The versioned code file: which SNOMED CT concept each {@link EntryKind} is written to the GP record as, for
 * every programme or for one. Read once at start-up; a malformed file stops the service, so a bad code list
 * never reaches a practice's record.
 */
@Singleton
class GpRecordCodes {
    static final String RESOURCE = "codelists/gp-record-codes-v3.csv";
    private static final Pattern VERSION = Pattern.compile("version (\\S+), effective (\\d{4}-\\d{2}-\\d{2})");
    private static final Pattern SNOMED_ID = Pattern.compile("[1-9][0-9]{5,17}");

    /** One row of the file. An empty {@code snomedCode} means no code was found: the entry is never exported. */
    record Code(EntryKind entry, String programme, @Nullable String snomedCode, String term, boolean verified,
                String source) {
        boolean exportable(boolean includeUnverified) {
            return snomedCode != null && (verified || includeUnverified);
        }
    }

    private final String version;
    private final Map<EntryKind, Map<String, Code>> codes;

    GpRecordCodes() {
        this(read());
    }

    GpRecordCodes(String fileText) {
        Matcher m = VERSION.matcher(fileText);
        this.version = m.find() ? m.group(1) + " (effective " + m.group(2) + ")" : "unversioned";
        this.codes = parse(fileText);
    }

    String version() {
        return version;
    }

    /** The programme's own row for the kind, else the row for every programme ({@code *}). */
    Optional<Code> code(EntryKind kind, String programme) {
        Map<String, Code> byProgramme = codes.getOrDefault(kind, Map.of());
        Code own = byProgramme.get(programme);
        return Optional.ofNullable(own != null ? own : byProgramme.get("*"));
    }

    List<Code> all() {
        List<Code> all = new ArrayList<>();
        codes.values().forEach(m -> all.addAll(m.values()));
        return all;
    }

    static Map<EntryKind, Map<String, Code>> parse(String fileText) {
        Map<EntryKind, Map<String, Code>> codes = new EnumMap<>(EntryKind.class);
        CSVFormat format = CSVFormat.DEFAULT.builder().setCommentMarker('#').setHeader().setSkipHeaderRecord(true)
                .setIgnoreSurroundingSpaces(true).get();
        try (Reader in = new StringReader(fileText)) {
            for (CSVRecord r : format.parse(in)) {
                String where = RESOURCE + " line " + r.getRecordNumber() + ": ";
                EntryKind kind;
                try {
                    kind = EntryKind.valueOf(r.get("entry"));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(where + "unknown entry '" + r.get("entry") + "'");
                }
                String code = r.get("snomed_code").isEmpty() ? null : r.get("snomed_code");
                if (code != null && !SNOMED_ID.matcher(code).matches()) {
                    throw new IllegalStateException(where + "'" + code + "' is not a SNOMED CT concept id");
                }
                String verified = r.get("verified");
                if (!verified.equals("yes") && !verified.equals("no")) {
                    throw new IllegalStateException(where + "verified must be yes or no");
                }
                if (code == null && verified.equals("yes")) {
                    throw new IllegalStateException(where + "a row without a code cannot be verified");
                }
                if (r.get("term").isEmpty() || r.get("source").isEmpty()) {
                    throw new IllegalStateException(where + "every row needs a term and a source");
                }
                Code c = new Code(kind, r.get("programme"), code, r.get("term"), verified.equals("yes"), r.get("source"));
                if (codes.computeIfAbsent(kind, k -> new HashMap<>()).put(c.programme(), c) != null) {
                    throw new IllegalStateException(where + kind + " for " + c.programme() + " is given twice");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return codes;
    }

    private static String read() {
        try (InputStream in = GpRecordCodes.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
