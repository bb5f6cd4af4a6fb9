package io.uptake.campaign;

import io.uptake.cohort.Cohorts;
import io.uptake.cohort.Programme;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The campaign engine's view of the cohort feature's programme definitions (cohort/rules.json): the events
 * that count as acting on the invitation (a conversion) and the default attribution window.
 */
@Singleton
public class Programmes {
    private final Cohorts cohorts;

    Programmes(Cohorts cohorts) {
        this.cohorts = cohorts;
    }

    public Optional<Definition> find(String programme) {
        if (programme == null) {
            return Optional.empty();
        }
        return cohorts.programmes().stream().filter(p -> p.name().equalsIgnoreCase(programme.strip())).findFirst()
                .map(Definition::new);
    }

    public Set<String> codes() {
        Set<String> names = new TreeSet<>();
        cohorts.programmes().forEach(p -> names.add(p.name()));
        return names;
    }

    public static final class Definition {
        private final Programme programme;

        Definition(Programme programme) {
            this.programme = programme;
        }

        public String code() {
            return programme.name();
        }

        public List<String> getQualifyingEvents() {
            return programme.conversionEventTypes();
        }

        public int getAttributionDays() {
            return programme.defaultAttributionDays();
        }
    }
}
