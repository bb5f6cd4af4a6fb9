package io.uptake.outcome;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.ObjectMapper;
import io.micronaut.serde.annotation.Serdeable;
import io.uptake.cohort.Cohorts;
import io.uptake.cohort.Programme;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The versioned outcome rules (classpath {@code outcomes/outcome-rules.json}, overridable with
 * {@code uptake.report.rules}): the abnormal-result thresholds with their source and effective date. The
 * programmes themselves (qualifying conversion events, cancer site, default attribution window) come from
 * {@link Cohorts#programmes()}, the one definition campaigns are built from, so that attribution can never
 * count a different event from the one the campaign was designed for. Kept as data rather than a table so
 * that a rule change is a reviewed file change with its source beside it. Validated at start-up: a malformed
 * rule stops the service instead of quietly miscounting.
 */
@Singleton
public class OutcomeRules {
    private static final Set<String> COMPARISONS = Set.of(">=", ">");

    @Serdeable
    public record Rules(String version, LocalDate effectiveFrom, List<Threshold> thresholds) {
    }

    /** Abnormal when value {@code comparison} threshold, for ages [ageFrom, ageTo) at the test date; null threshold = clinical judgement. */
    @Serdeable
    public record Threshold(String programme, String eventType, int ageFrom, @Nullable Integer ageTo, String comparison,
                            @Nullable BigDecimal threshold, String unit, LocalDate effectiveFrom, String source) {
    }

    private final Rules rules;
    private final String qualifyingJson;
    private final String thresholdsJson;

    public OutcomeRules(ObjectMapper json, Cohorts cohorts,
                        @Value("${uptake.report.rules:outcomes/outcome-rules.json}") String resource) {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Outcome rules not found on the classpath: " + resource);
            }
            this.rules = json.readValue(in, Rules.class);
            List<Programme> programmes = cohorts.programmes();
            for (Programme p : programmes) {
                if (p.conversionEventTypes() == null || p.conversionEventTypes().isEmpty()) {
                    throw new IllegalStateException("Programme " + p.name()
                            + " has no conversion events: attribution would count nothing");
                }
            }
            Set<String> names = programmes.stream().map(Programme::name).collect(Collectors.toSet());
            for (Threshold t : rules.thresholds()) {
                if (!names.contains(t.programme()) || !COMPARISONS.contains(t.comparison())
                        || t.effectiveFrom() == null || t.source() == null || t.source().isBlank()
                        || (t.ageTo() != null && t.ageTo() <= t.ageFrom())) {
                    throw new IllegalStateException(resource + ": invalid threshold " + t);
                }
            }
            this.qualifyingJson = json.writeValueAsString(programmes.stream()
                    .flatMap(p -> p.conversionEventTypes().stream().map(e -> Map.of("programme", p.name(), "event_type", e)))
                    .toList());
            this.thresholdsJson = json.writeValueAsString(rules.thresholds().stream().map(t -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("programme", t.programme());
                row.put("event_type", t.eventType());
                row.put("age_from", t.ageFrom());
                row.put("age_to", t.ageTo());
                row.put("comparison", t.comparison());
                row.put("threshold", t.threshold());
                row.put("effective_from", t.effectiveFrom().toString());
                return row;
            }).toList());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the outcome rules " + resource, e);
        }
    }

    public String version() {
        return rules.version();
    }

    public List<Threshold> thresholds() {
        return rules.thresholds();
    }

    /** Whether results of this programme can be judged abnormal at all (breast screening has no numeric result). */
    public boolean judgesResults(String programme) {
        return rules.thresholds().stream().anyMatch(t -> t.programme().equals(programme) && t.threshold() != null);
    }

    /** [{programme, event_type}] for SQL's jsonb_to_recordset. */
    String qualifyingJson() {
        return qualifyingJson;
    }

    /** [{programme, event_type, age_from, age_to, comparison, threshold, effective_from}] for SQL. */
    String thresholdsJson() {
        return thresholdsJson;
    }
}
