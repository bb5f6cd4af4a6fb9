package io.uptake.cohort;

import io.micronaut.serde.annotation.Serdeable;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** A dated, sourced set of rule parameters; {@code version} is what responses and campaigns record. */
@Serdeable
public record RuleVersion(String version, LocalDate effectiveFrom, String source, Map<String, Object> parameters) {

    public int integer(String name) {
        Object v = required(name);
        if (v instanceof Number n) {
            return n.intValue();
        }
        throw new IllegalStateException("Rule " + version + ": parameter " + name + " is not a number");
    }

    public boolean flag(String name) {
        Object v = required(name);
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalStateException("Rule " + version + ": parameter " + name + " is not true/false");
    }

    public List<String> strings(String name) {
        Object v = required(name);
        if (v instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        throw new IllegalStateException("Rule " + version + ": parameter " + name + " is not a list");
    }

    private Object required(String name) {
        Object v = parameters.get(name);
        if (v == null) {
            throw new IllegalStateException("Rule " + version + " lacks parameter " + name);
        }
        return v;
    }
}
