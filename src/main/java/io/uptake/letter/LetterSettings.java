package io.uptake.letter;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code uptake.letter.*}: where the fonts and Chromium are, how long Chromium may take, the class of post letters go
 * by, and what each class costs.
 */
@ConfigurationProperties("uptake.letter")
public class LetterSettings {
    /** Where Debian's fonts-noto-core puts its fonts; searched recursively. */
    private String fontDir = "/usr/share/fonts";
    /** Debian's chromium, which prints letters with HarfBuzz's shaping (docs/adr/0024). */
    private String chromium = "/usr/bin/chromium";
    /**
     * The longest one Chromium run may take before it is killed. A run prints up to
     * {@link LetterRenderer#LETTERS_PER_RUN} letters: a few seconds on a loaded 2-core machine (BENCHMARKS.md).
     */
    private Duration chromiumTimeout = Duration.ofSeconds(120);
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

    public String getChromium() {
        return chromium;
    }

    public void setChromium(String chromium) {
        this.chromium = chromium;
    }

    public Duration getChromiumTimeout() {
        return chromiumTimeout;
    }

    public void setChromiumTimeout(Duration chromiumTimeout) {
        this.chromiumTimeout = chromiumTimeout;
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
