package io.uptake.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.views.ModelAndView;
import io.micronaut.views.model.ViewModelProcessor;
import io.uptake.security.Csrf;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.Map;

/** Adds what every page needs: the user, the CSRF token for htmx posts, and the SMS channel label. */
@Singleton
class PageModel implements ViewModelProcessor<Map<String, Object>> {
    private final Csrf csrf;
    private final SmsChannelLabel channel;

    PageModel(Csrf csrf, SmsChannelLabel channel) {
        this.csrf = csrf;
        this.channel = channel;
    }

    @Override
    public void process(HttpRequest<?> request, ModelAndView<Map<String, Object>> modelAndView) {
        Map<String, Object> model = new HashMap<>(modelAndView.getModel().orElse(Map.of()));
        Cookie session = request.getCookies().get(LoginPageController.SESSION_COOKIE);
        model.put("csrf", session == null ? "" : csrf.tokenFor(session.getValue()));
        request.getUserPrincipal(Authentication.class)
                .ifPresent(a -> model.put("user", CurrentUser.of(a)));
        model.put("smsSimulated", channel.simulated());
        modelAndView.setModel(model);
    }
}
