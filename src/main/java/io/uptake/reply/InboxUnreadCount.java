package io.uptake.reply;

import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.views.ModelAndView;
import io.micronaut.views.model.ViewModelProcessor;
import io.uptake.security.CurrentUser;
import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.Map;

/**
 * Puts the inbox's unread count ({@code inboxUnread}) on every full page of a user who works the inbox, for the
 * navigation. Counted for the PCN, not per user (docs/replies.md, "Unread"): a reply a colleague has opened is in
 * hand. Fragments (htmx answers) carry their own count where it changes.
 */
@Singleton
class InboxUnreadCount implements ViewModelProcessor<Map<String, Object>> {
    private final Inbox inbox;

    InboxUnreadCount(Inbox inbox) {
        this.inbox = inbox;
    }

    @Override
    public void process(HttpRequest<?> request, ModelAndView<Map<String, Object>> modelAndView) {
        if (modelAndView.getView().map(v -> v.contains("::")).orElse(true)) {
            return;
        }
        request.getUserPrincipal(Authentication.class).map(CurrentUser::of)
                .filter(CurrentUser::worksWithPatients)
                .ifPresent(user -> {
                    Map<String, Object> model = new HashMap<>(modelAndView.getModel().orElse(Map.of()));
                    model.put("inboxUnread", inbox.unread(user));
                    modelAndView.setModel(model);
                });
    }
}
