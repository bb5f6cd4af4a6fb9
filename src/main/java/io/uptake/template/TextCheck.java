package io.uptake.template;

import io.micronaut.serde.annotation.Serdeable;

import java.math.BigDecimal;
import java.util.List;

/**
 * What a PCN's draft of one message would be: the text as it would be stored ({@code text}: controls and bidi
 * marks removed, spaces collapsed), the problems in people's words (empty: it may be saved), and, when it can be
 * rendered, the sample text as a phone would get it with its encoding, segments and cost at the price per segment.
 * {@code longestSegments} is the count with long realistic values ({@link Placeholders#longest()}), which must
 * stay within {@code maxSegments}.
 */
@Serdeable
public record TextCheck(String text, List<String> problems, String preview, String encoding, int characters,
                        int segments, int longestSegments, int maxSegments, BigDecimal cost, String currency,
                        boolean rtl, List<String> placeholders) {
    public boolean ok() {
        return problems.isEmpty();
    }

    public boolean rendered() {
        return preview != null;
    }

    /** The placeholders the text must have, as they are written: "{givenName} {practiceName} ...". */
    public String placeholderList() {
        return String.join(" ", placeholders.stream().map(p -> "{" + p + "}").toList());
    }

    /** No problem of order on a handset was found ({@link BidiCheck}). */
    public boolean bidiOk() {
        return problems.stream().noneMatch(p -> p.startsWith(BidiCheck.WRONG_ORDER) || p.startsWith(BidiCheck.DIRECTION)
                || p.startsWith(BidiCheck.DIGITS));
    }
}
