package io.uptake.importing;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The event vocabulary and the versioned SNOMED CT code list that maps codes to it. Code lists are data
 * (DOMAIN.md): the file names its version and source, and a code it lacks is reported, never dropped.
 */
@Singleton
public class EventCodeList {
    /** The event types the record may hold (issue 2's vocabulary). */
    public static final Set<String> VOCABULARY = Set.of("FIT_KIT_ISSUED", "FIT_KIT_RETURNED", "FIT_RESULT",
            "BOWEL_SCREENING_NO_RESPONSE", "BOWEL_SCREENING_DECLINED", "BREAST_SCREENING_INVITED",
            "BREAST_SCREENING_DNA", "BREAST_SCREENING_ATTENDED", "BREAST_SCREENING_DECLINED", "PSA_TEST",
            "URGENT_REFERRAL", "CANCER_DIAGNOSED", "CANCER_RULED_OUT", "FAMILY_HISTORY_PROSTATE_CANCER",
            "BRCA_VARIANT", "PALLIATIVE_CARE", "DECEASED", "SMS_OPT_OUT");

    public record Mapping(String eventType, String value) {
    }

    private final String version;
    private final Map<String, Mapping> byCode;

    public EventCodeList(@Value("${uptake.importing.code-list:codelists/event-codes-v1.csv}") String resource) {
        this.version = resource.replaceAll(".*-(v\\d+)\\.csv$", "$1");
        this.byCode = load(resource);
    }

    public String version() {
        return version;
    }

    /** The mapping of a SNOMED CT code, or null when the list does not have it. */
    public Mapping lookup(String code) {
        return byCode.get(code);
    }

    private static Map<String, Mapping> load(String resource) {
        var in = EventCodeList.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("Event code list " + resource + " is missing from the classpath");
        }
        Map<String, Mapping> map = new HashMap<>();
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            CSVFormat format = CSVFormat.DEFAULT.builder().setCommentMarker('#').setHeader().setSkipHeaderRecord(true)
                    .setTrim(true).get();
            for (CSVRecord r : format.parse(reader)) {
                String type = r.get("event_type");
                if (!VOCABULARY.contains(type)) {
                    throw new IllegalStateException(resource + " line " + r.getRecordNumber() + ": unknown event type " + type);
                }
                map.put(r.get("code"), new Mapping(type, r.get("value")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(map);
    }
}
