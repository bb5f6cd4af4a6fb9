package io.uptake.campaign;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import io.uptake.template.MessageTemplates;
import io.uptake.template.Placeholders;
import io.uptake.template.RenderedMessage;
import jakarta.inject.Singleton;

/** Renders a campaign text through the template feature with the patient's name and practice. */
@Singleton
class TemplateTexts implements CampaignTexts {
    private final MessageTemplates templates;
    private final JdbcOperations jdbc;

    TemplateTexts(MessageTemplates templates, JdbcOperations jdbc) {
        this.templates = templates;
        this.jdbc = jdbc;
    }

    @Override
    @Transactional(readOnly = true)
    public Rendered render(String programme, String templateKey, String language, long patientId) {
        Placeholders values = jdbc.prepareStatement("""
                SELECT p.given_name, pr.name, pr.phone FROM patient p JOIN practice pr ON pr.code = p.practice_code
                WHERE p.id = ?""", ps -> {
            ps.setLong(1, patientId);
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("No patient " + patientId);
                }
                return new Placeholders(rs.getString(1), rs.getString(2), rs.getString(3) == null ? "" : rs.getString(3), null);
            }
        });
        RenderedMessage text = templates.render(programme, templateKey, language, values);
        return new Rendered(text.text(), text.segments());
    }
}
