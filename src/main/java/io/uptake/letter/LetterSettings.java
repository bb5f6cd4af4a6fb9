package io.uptake.letter;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code uptake.letter.*}: where the fonts are, the class of post letters go by, and what each class costs. */
@ConfigurationProperties("uptake.letter")
public class LetterSettings {
    /** Where Debian's fonts-noto-core puts its fonts; searched recursively. */
    private String fontDir = "/usr/share/fonts";
    /** The class of post a campaign's letters go by: a key of {@link #postage}. */
    private String postageClass = "second";
    /**
     * Cost of one letter (print and post) by class, in the currency of texts. Defaults are GOV.UK Notify's 2025
     * letter prices for one sheet, which a practice posting its own letters can replace.
     */
    private Map<String, BigDecimal> postage = new LinkedHashMap<>(Map.of(
            "economy", new BigDecimal("0.58"), "second", new BigDecimal("0.68"), "first", new BigDecimal("1.18")));

    public String getFontDir() {
        return fontDir;
    }

    public void setFontDir(String fontDir) {
        this.fontDir = fontDir;
    }

    public String getPostageClass() {
        return postageClass;
    }

    public void setPostageClass(String postageClass) {
        this.postageClass = postageClass;
    }

    public Map<String, BigDecimal> getPostage() {
        return postage;
    }

    public void setPostage(Map<String, BigDecimal> postage) {
        this.postage = new LinkedHashMap<>(postage);
    }
}
