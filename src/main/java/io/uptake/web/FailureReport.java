package io.uptake.web;

import java.sql.SQLException;

/**
 * A failure as the log may hold it. Exception messages are left out: a driver's message can quote the value
 * it refused (a patient's words, an NHS number, a mobile), and logs must never hold those. What stays is
 * enough to find the fault: each exception's class, its SQLState, and the stack traces.
 */
public final class FailureReport {
    private FailureReport() {
    }

    /** One line: the classes of the chain, outermost first, with SQLStates. */
    public static String describe(Throwable failure) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = failure; t != null && out.length() < 500; t = t.getCause() == t ? null : t.getCause()) {
            if (!out.isEmpty()) {
                out.append(" <- ");
            }
            out.append(name(t));
        }
        return out.toString();
    }

    /** A copy of the chain whose messages are only class names and SQLStates, with the original stack traces. */
    public static Throwable scrubbed(Throwable failure) {
        Throwable cause = failure.getCause() == null || failure.getCause() == failure ? null : scrubbed(failure.getCause());
        Scrubbed copy = new Scrubbed(name(failure), cause);
        copy.setStackTrace(failure.getStackTrace());
        return copy;
    }

    private static String name(Throwable t) {
        return t.getClass().getName()
                + (t instanceof SQLException sql && sql.getSQLState() != null ? " (SQLState " + sql.getSQLState() + ")" : "");
    }

    static final class Scrubbed extends RuntimeException {
        Scrubbed(String message, Throwable cause) {
            super(message, cause, false, true);
        }
    }
}
