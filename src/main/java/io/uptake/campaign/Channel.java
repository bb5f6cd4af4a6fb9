package io.uptake.campaign;

/** How one patient is contacted in one wave: a text, a letter or a call from the CCC. */
public enum Channel {
    SMS, LETTER, CALL
}
