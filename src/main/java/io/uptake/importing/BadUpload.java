package io.uptake.importing;

/** A file that cannot be imported at all (empty, binary, no known header): answered with 400. */
public class BadUpload extends RuntimeException {
    BadUpload(String message) {
        super(message, null, false, false);
    }
}
