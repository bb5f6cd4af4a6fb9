package io.uptake.letter;

import io.uptake.template.MessageTemplates;
import io.uptake.template.Placeholders;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * One sample letter of a programme's message in every language Uptake has, for a synthetic patient, so that a LEAD or a
 * fluent reader can check each language's printed letter (hazard H-019) before any patient gets one: the same words
 * ({@link MessageTemplates#letter}) and the same renderer as a wave's letters. No patient's data is in it, so it is
 * not audited as a patient list is.
 */
@Singleton
class LetterSamples {
    /** Synthetic: a 999-range NHS number that passes Modulus 11, and Ofcom's drama-range Manchester phone. */
    static final String NHS_NUMBER = "9990012687";
    static final String PHONE = "0161 496 0001";

    private final MessageTemplates templates;
    private final LetterRenderer renderer;
    private final Clock clock;

    LetterSamples(MessageTemplates templates, LetterRenderer renderer, Clock clock) {
        this.templates = templates;
        this.renderer = renderer;
        this.clock = clock;
    }

    /** The languages in the catalogue's order, one page each; a language that cannot be printed is named, not hidden. */
    Sample pdf(String programme, String message) {
        if (!templates.programmes().contains(programme) || !templates.messages(programme).contains(message)) {
            throw new LetterBatch.NotFound("No letter '" + message + "' for programme '" + programme + "'");
        }
        List<String> languages = new ArrayList<>();
        List<Letter> letters = new ArrayList<>();
        for (var language : templates.languages()) {
            languages.add(language.code());
            letters.add(new Letter("Sample Medical Practice", List.of("1 Health Centre Way", "Manchester", "M1 1AA"), PHONE,
                    "Sam Sample", List.of("2 Sample Street", "Manchester", "M2 2BB"), NHS_NUMBER, LocalDate.now(clock),
                    templates.letter(programme, message, language.code(),
                            new Placeholders("Sam", "Sample Medical Practice", PHONE, null))));
        }
        LetterRenderer.Printed printed = renderer.render(letters);
        List<String> failed = new ArrayList<>();
        printed.failed().forEach((i, why) -> failed.add(languages.get(i) + ": " + why));
        return new Sample(printed.pdf(), printed.printed().stream().map(languages::get).toList(), failed);
    }

    record Sample(byte[] pdf, List<String> languages, List<String> failed) {
    }
}
