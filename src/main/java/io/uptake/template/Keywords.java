package io.uptake.template;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * The single-word replies understood in a language, upper-cased as written in the language file, with
 * the English (and carrier) words always included: a Polish speaker may still reply STOP. A call request
 * is never YES: carriers treat YES as an opt-in. Match after trimming and upper-casing (Locale.ROOT).
 */
@Serdeable
public record Keywords(String language, List<String> optOut, List<String> optIn, List<String> call,
                       List<String> help) {
}
