package io.uptake.letter;

/**
 * Where a letter is, in the one order it may move (the database enforces the same order: V171). A letter that
 * could not be rendered is FAILED and may still be PRINTED once its cause is fixed; EXCLUDED (no address) and
 * HELD_BACK (control arm) are decided at launch and never change.
 */
enum LetterStatus {
    PENDING(0), FAILED(1), PRINTED(2), SENT(3), DELIVERED(4),
    /** GOV.UK Notify took the letter, then would not post it (V210): final, like DELIVERED. */
    REFUSED(4),
    EXCLUDED(100), HELD_BACK(100),
    /** The patient opted out, died or converted after the launch, found at the last check before it left (LetterStops, V280). */
    CANCELLED(100);

    final int rank;

    LetterStatus(int rank) {
        this.rank = rank;
    }

    /** Whether a letter in this status may be moved to {@code next} (staying put is not a move). */
    boolean mayMoveTo(LetterStatus next) {
        return next != this && rank < 100 && next.rank > rank;
    }

    /** Still to be printed: a batch download renders these and the ones printed before. */
    boolean printable() {
        return this == PENDING || this == FAILED || this == PRINTED;
    }
}
