package io.uptake.campaign;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Per programme: the events that count as acting on the invitation (a conversion) and the default
 * attribution window. Configuration (uptake.campaign.programmes), so that a code list change is not a release.
 */
@Singleton
public class Programmes {
    private final Map<String, Definition> byCode;

    Programmes(List<Definition> definitions) {
        this.byCode = definitions.stream().collect(Collectors.toMap(d -> d.code(), Function.identity()));
    }

    public Optional<Definition> find(String programme) {
        return programme == null ? Optional.empty() : Optional.ofNullable(byCode.get(programme.toUpperCase(Locale.ROOT)));
    }

    public java.util.Set<String> codes() {
        return new java.util.TreeSet<>(byCode.keySet());
    }

    @EachProperty("uptake.campaign.programmes")
    public static class Definition {
        private final String code;
        private List<String> qualifyingEvents = List.of();
        private int attributionDays;

        Definition(@Parameter String name) {
            this.code = name.toUpperCase(Locale.ROOT);
        }

        public String code() {
            return code;
        }

        public List<String> getQualifyingEvents() {
            return qualifyingEvents;
        }

        public void setQualifyingEvents(List<String> qualifyingEvents) {
            this.qualifyingEvents = List.copyOf(qualifyingEvents);
        }

        public int getAttributionDays() {
            return attributionDays;
        }

        public void setAttributionDays(int attributionDays) {
            this.attributionDays = attributionDays;
        }
    }
}
