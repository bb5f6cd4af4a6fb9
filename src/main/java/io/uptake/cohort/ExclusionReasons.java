package io.uptake.cohort;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What each cohort exclusion reason is called on a page: one wording for the cohort page and the launch review,
 * which had a copy each and had drifted apart ("control-arm" read two ways). In the order the cohort shows them.
 */
public final class ExclusionReasons {
    private static final Map<String, String> LABELS;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("deceased", "Deceased");
        m.put("opted-out", "Opted out of texts");
        m.put("no-mobile", "No usable mobile");
        m.put("palliative", "Palliative care");
        m.put("already-diagnosed", "Already diagnosed with this cancer");
        m.put("recently-texted", "Texted about this programme recently");
        m.put("control-arm", "Held back as control in another campaign of this programme");
        m.put("declined", "Declined screening (informed choice)");
        LABELS = Collections.unmodifiableMap(m);
    }

    private ExclusionReasons() {
    }

    /** Every reason and its words, in the cohort's order. */
    public static Map<String, String> labels() {
        return LABELS;
    }

    /** The reason's words, or the reason itself for one this list does not know. */
    public static String label(String reason) {
        return LABELS.getOrDefault(reason, reason);
    }
}
