package io.uptake.template;

import io.micronaut.serde.annotation.Serdeable;

/**
 * A language file's header. {@code reviewStatus} is "source" (English), "draft" or "reviewed"; a text in a
 * language that is not reviewed is shown as a draft translation.
 */
@Serdeable
public record LanguageInfo(String code, String name, String nativeName, String direction, String reviewStatus,
                           String reviewedBy) {
    public boolean draft() {
        return !"reviewed".equals(reviewStatus) && !"source".equals(reviewStatus);
    }

    public boolean rtl() {
        return "rtl".equals(direction);
    }
}
