package io.uptake.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.views.ModelAndView;
import io.micronaut.views.model.ViewModelProcessor;
import io.uptake.security.Csrf;
import io.uptake.security.CurrentUser;
import io.uptake.security.SessionSettings;
import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.Map;

/** Adds what every page needs: the user, the CSRF token for htmx posts, the SMS channel label, the idle warning,
 * and the people's formats. */
@Singleton
class PageModel implements ViewModelProcessor<Map<String, Object>> {
    private final Csrf csrf;
    private final SmsChannelLabel channel;
    private final SessionSettings sessions;
    private final PeopleFormats people;

    PageModel(Csrf csrf, SmsChannelLabel channel, SessionSettings sessions, PeopleFormats people) {
        this.people = people;
        this.csrf = csrf;
        this.channel = channel;
        this.sessions = sessions;
    }

    @Override
    public void process(HttpRequest<?> request, ModelAndView<Map<String, Object>> modelAndView) {
        Map<String, Object> model = new HashMap<>(modelAndView.getModel().orElse(Map.of()));
        Cookie session = request.getCookies().get(LoginPageController.SESSION_COOKIE);
        model.put("csrf", session == null ? "" : csrf.tokenFor(session.getValue()));
        request.getUserPrincipal(Authentication.class)
                .ifPresent(a -> model.put("user", CurrentUser.of(a)));
        model.put("smsSimulated", channel.simulated());
        // Dates, times, NHS numbers, mobiles and names as people read them: ${people.date(x)} (PeopleFormats).
        model.put("people", people);
        // For public/session.js, which warns before the idle timeout.
        model.put("idleWarningSeconds", sessions.getIdleWarning().toSeconds());
        modelAndView.setModel(model);
    }
}
