package io.uptake.template;

import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;

/**
 * A text ready to send. {@code lang} is the language actually used: English when the requested one
 * ({@code requestedLang}) has no complete translation of the programme's messages.
 */
@Serdeable
public record RenderedMessage(String programme, String message, String requestedLang, String lang, String text,
                              String encoding, int characters, int segments, BigDecimal cost, String currency,
                              boolean draft, boolean rtl) {
}
