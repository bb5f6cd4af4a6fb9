package io.uptake.campaign;

import io.uptake.booking.BookingLinks;
import io.uptake.template.MessageTemplates;
import io.uptake.template.PcnTexts;
import io.uptake.template.Placeholders;
import io.uptake.template.RenderedMessage;
import jakarta.inject.Singleton;

/** Renders a campaign text through the template feature with the patient's name and practice. */
@Singleton
class TemplateTexts implements CampaignTexts {
    private final MessageTemplates templates;
    private final BookingLinks links;
    private final PcnTexts pcnTexts;

    TemplateTexts(MessageTemplates templates, BookingLinks links, PcnTexts pcnTexts) {
        this.templates = templates;
        this.links = links;
        this.pcnTexts = pcnTexts;
    }

    @Override
    public String bookingLink(String token) {
        return links.link(token);
    }

    @Override
    public Rendered render(String programme, String templateKey, String language, Placeholders values) {
        RenderedMessage text = templates.render(programme, templateKey, language, values);
        return new Rendered(text.text(), text.segments());
    }

    /** In the PCN texts frozen at the campaign's launch, where it has them (the shipped texts otherwise). */
    @Override
    public Rendered render(long campaignId, String programme, String templateKey, String language, Placeholders values) {
        RenderedMessage text = templates.render(programme, templateKey, language, values,
                pcnTexts.ofCampaign(campaignId));
        return new Rendered(text.text(), text.segments());
    }
}
