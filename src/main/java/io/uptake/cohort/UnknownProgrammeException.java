package io.uptake.cohort;

import java.util.List;

/** Asked for a programme that is not in the rule book; answered 404 with the list of programmes. */
public class UnknownProgrammeException extends RuntimeException {
    private final List<String> programmes;

    public UnknownProgrammeException(String name, List<String> programmes) {
        super("No programme named '" + name + "'. Programmes: " + String.join(", ", programmes));
        this.programmes = programmes;
    }

    public List<String> programmes() {
        return programmes;
    }
}
