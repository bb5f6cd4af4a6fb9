package io.uptake.campaign;

/**
 * The words a stopped text or letter carries for the stops every channel shares, so that the campaign page reads
 * the same for both (SendEligibility for texts, letter/LetterStops and letter/LetterImportStops for letters).
 */
public final class StopReasons {
    /** The patient died (an event of {@code deceased-event-types}). */
    public static final String DECEASED = "patient deceased";
    /** A later import registered the patient at a practice of another PCN. */
    public static final String NOT_REGISTERED = "no longer registered at the practice";
    /**
     * The imports that can stop a text or a letter: patients (a move to another PCN's practice), events (a death) and
     * practices (a practice import can move a whole practice to another PCN, its pcn_id).
     */
    public static final java.util.Set<String> IMPORT_KINDS = java.util.Set.of("patients", "events", "practices");

    private StopReasons() {
    }
}
