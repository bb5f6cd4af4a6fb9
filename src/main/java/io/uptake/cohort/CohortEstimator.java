package io.uptake.cohort;

import io.micronaut.core.annotation.Nullable;
import io.uptake.template.MessageTemplates;
import io.uptake.template.OwnTexts;
import io.uptake.template.TemplateApprovals;
import io.uptake.template.Placeholders;
import io.uptake.template.RenderedMessage;
import jakarta.inject.Singleton;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prices a message for a cohort before any campaign exists. Texts differ only by language, given name and
 * practice, so each distinct combination (grouped in SQL) is rendered once and counted for all its patients.
 */
@Singleton
public class CohortEstimator {
    private final Cohorts cohorts;
    private final MessageTemplates templates;
    private final TemplateApprovals approvals;

    CohortEstimator(Cohorts cohorts, MessageTemplates templates, TemplateApprovals approvals) {
        this.cohorts = cohorts;
        this.templates = templates;
        this.approvals = approvals;
    }

    public CohortEstimate estimate(String programme, LocalDate asOf, Long pcnScope, String template,
                            @Nullable String bookingLink) {
        return estimate(programme, asOf, pcnScope, template, bookingLink, null);
    }

    /** With a campaign's phone number for replies, which takes the practice's place in its texts. */
    public CohortEstimate estimate(String programme, LocalDate asOf, Long pcnScope, String template,
                            @Nullable String bookingLink, @Nullable String replyPhone) {
        cohorts.programme(programme);
        if (!templates.messages(programme).contains(template)) {
            throw new IllegalArgumentException("template: one of " + templates.messages(programme));
        }
        Map<String, Acc> byLang = new TreeMap<>();
        // A PCN's approved own texts are what it sends, so they are what is counted.
        OwnTexts own = pcnScope == null ? OwnTexts.NONE : approvals.sending(programme, pcnScope);
        for (Cohorts.TextGroup g : cohorts.eligibleTextGroups(programme, asOf, pcnScope)) {
            RenderedMessage m = templates.render(programme, template, g.messageLanguage(),
                    new Placeholders(g.givenName(), g.practiceName(),
                            replyPhone == null ? g.practicePhone() : replyPhone, bookingLink), own);
            byLang.computeIfAbsent(m.lang(), l -> new Acc(m.draft())).add(m, g.patients());
        }
        List<CohortEstimate.Line> lines = new ArrayList<>();
        Acc total = new Acc(false);
        byLang.forEach((lang, acc) -> {
            lines.add(acc.line(lang));
            total.merge(acc);
        });
        return new CohortEstimate(programme, asOf, cohorts.rule(programme, asOf).version(), template,
                templates.currency(), templates.pricePerSegment(), lines, total.line("all"));
    }

    private final class Acc {
        private final boolean draft;
        private String encoding;
        private long messages;
        private long segments;
        private int maxSegments;

        Acc(boolean draft) {
            this.draft = draft;
        }

        void add(RenderedMessage m, long patients) {
            encoding = encoding == null || encoding.equals(m.encoding()) ? m.encoding() : "mixed";
            messages += patients;
            segments += (long) m.segments() * patients;
            maxSegments = Math.max(maxSegments, m.segments());
        }

        void merge(Acc other) {
            if (other.encoding != null) {
                encoding = encoding == null || encoding.equals(other.encoding) ? other.encoding : "mixed";
            }
            messages += other.messages;
            segments += other.segments;
            maxSegments = Math.max(maxSegments, other.maxSegments);
        }

        CohortEstimate.Line line(String lang) {
            return new CohortEstimate.Line(lang, draft, encoding == null ? "" : encoding, messages, segments,
                    templates.cost(segments), maxSegments);
        }
    }
}
