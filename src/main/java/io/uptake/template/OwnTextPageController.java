package io.uptake.template;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.views.ModelAndView;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The editor of a PCN's own texts: a CCC writes the PCN's words for one programme's message in one language, with
 * the checks shown while typing ({@code /check}, a fragment) and applied again on saving. A save is a new version
 * that a LEAD of the PCN approves on the approvals page before it is sent.
 */
@Controller("/ui/templates/own")
@Secured(Role.CCC_NAME)
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.TEXT_HTML)
class OwnTextPageController {
    private final MessageTemplates templates;
    private final PcnTexts texts;
    private final OwnTextViews views;

    OwnTextPageController(MessageTemplates templates, PcnTexts texts, OwnTextViews views) {
        this.templates = templates;
        this.texts = texts;
        this.views = views;
    }

    @Serdeable
    record TextForm(@Nullable String programme, @Nullable String language, @Nullable String message,
                    @Nullable String text) {
    }

    @Get
    ModelAndView<Map<String, Object>> page(@Nullable @QueryValue String programme, @Nullable @QueryValue String language,
                                           @Nullable @QueryValue String message, Authentication auth) {
        String p = programme != null && templates.programmes().contains(programme) ? programme
                : templates.programmes().get(0);
        String l = language != null && templates.language(language).isPresent()
                ? templates.language(language).orElseThrow().code() : TemplateCatalogue.ENGLISH;
        List<String> messages = templates.messages(p);
        String m = message != null && messages.contains(message) ? message : messages.get(0);
        CurrentUser user = CurrentUser.of(auth);
        OwnTextViews.LanguageTexts view = views.view(p, l, user);
        String current = view.messages().stream().filter(x -> x.message().equals(m)).findFirst().orElseThrow().text();
        Map<String, Object> model = editor(view, m, current, null, null);
        model.put("programmes", templates.programmes());
        model.put("languages", templates.languages());
        model.put("messageKeys", messages);
        return new ModelAndView<>("own-texts", model);
    }

    /** The checks of what is typed, as the CCC types (htmx, after a pause): a fragment. */
    @Post(value = "/check", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    ModelAndView<Map<String, Object>> check(@Body TextForm form) {
        String[] k = known(form);
        Map<String, Object> model = new HashMap<>();
        model.put("check", templates.check(k[0], k[2], k[1], form.text()));
        model.put("languageName", templates.language(k[1]).orElseThrow().name());
        model.put("language", k[1]);
        return new ModelAndView<>("own-texts :: checks", model);
    }

    /** Saves the text; a refused one comes back with the error summary and what was typed. */
    @Post(consumes = MediaType.APPLICATION_FORM_URLENCODED)
    ModelAndView<Map<String, Object>> save(@Body TextForm form, Authentication auth) {
        String[] k = known(form);
        CurrentUser user = CurrentUser.of(auth);
        try {
            texts.save(user, k[0], k[1], k[2], form.text());
            OwnTextViews.LanguageTexts view = views.view(k[0], k[1], user);
            String current = view.messages().stream().filter(x -> x.message().equals(k[2])).findFirst().orElseThrow()
                    .text();
            return new ModelAndView<>("own-texts :: editor", editor(view, k[2], current, null,
                    "Saved as a new version of your PCN's " + view.name() + " texts. " + view.sends()));
        } catch (PcnTexts.Refused e) {
            return new ModelAndView<>("own-texts :: editor", editor(views.view(k[0], k[1], user), k[2],
                    form.text() == null ? "" : form.text(), e.check().problems(), null));
        }
    }

    private String[] known(TextForm form) {
        String[] k = form == null ? null : views.known(form.programme(), form.language()).orElse(null);
        if (k == null || form.message() == null || !templates.messages(k[0]).contains(form.message())) {
            // Only a forged form lacks them: the page always sends the three.
            throw new HttpStatusException(HttpStatus.BAD_REQUEST, "Choose a programme, a language and a text");
        }
        return new String[]{k[0], k[1], form.message()};
    }

    /** The editor part: the language's state, the chosen message's text (as typed when refused), its checks. */
    private Map<String, Object> editor(OwnTextViews.LanguageTexts view, String message, String typed,
                                       List<String> errors, String saved) {
        Map<String, Object> model = new HashMap<>();
        model.put("view", view);
        model.put("programme", view.programme());
        model.put("language", view.language());
        model.put("languageName", view.name());
        model.put("message", message);
        model.put("entry", view.messages().stream().filter(x -> x.message().equals(message)).findFirst().orElseThrow());
        model.put("typed", typed);
        model.put("errors", errors == null ? List.of() : errors);
        model.put("saved", saved);
        model.put("check", templates.check(view.programme(), message, view.language(), typed));
        return model;
    }
}
