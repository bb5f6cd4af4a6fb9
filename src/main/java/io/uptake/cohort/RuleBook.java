package io.uptake.cohort;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.io.ResourceResolver;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * The programmes and their versioned rule parameters, read once from the rules file
 * ({@code uptake.cohort.rules}, default {@code classpath:cohort/rules.json}). Parameters are data,
 * not code: a change of window or age is a new dated version with its source.
 */
@Singleton
public class RuleBook {
    private final List<Programme> programmes;

    RuleBook(JsonMapper json, ResourceResolver resources,
             @Value("${uptake.cohort.rules:classpath:cohort/rules.json}") String location) {
        try (InputStream in = resources.getResourceAsStream(location)
                .orElseThrow(() -> new IllegalStateException("No cohort rules at " + location))) {
            this.programmes = List.copyOf(json.readValue(in, RulesFile.class).programmes());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read cohort rules at " + location, e);
        }
        for (Programme p : programmes) {
            if (p.versions() == null || p.versions().isEmpty()) {
                throw new IllegalStateException("Programme " + p.name() + " has no rule version");
            }
        }
    }

    public List<Programme> programmes() {
        return programmes;
    }

    public List<String> names() {
        return programmes.stream().map(Programme::name).toList();
    }

    public Optional<Programme> programme(String name) {
        return programmes.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    @Serdeable
    record RulesFile(String comment, List<Programme> programmes) {
    }
}
