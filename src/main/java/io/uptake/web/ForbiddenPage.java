package io.uptake.web;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.io.Writable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.micronaut.security.authentication.AuthorizationException;
import io.micronaut.security.authentication.DefaultAuthorizationExceptionHandler;
import io.micronaut.security.authentication.WwwAuthenticateChallengeProvider;
import io.micronaut.security.config.RedirectConfiguration;
import io.micronaut.security.config.RedirectService;
import io.micronaut.security.errors.PriorToLoginPersistence;
import io.micronaut.views.ModelAndView;
import io.micronaut.views.ModelAndViewRenderer;
import jakarta.inject.Singleton;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A logged-in user refused by their role gets, in a browser, a page with the menu and a plain message (HTTP 403)
 * instead of Micronaut's empty 403. API clients, and everyone who is not logged in, are answered as before:
 * an API's 403 stays JSON-free and short, and a browser without a login goes to the login page.
 * The security filter refuses before the views filter runs, so the page is rendered here.
 */
@Singleton
@Replaces(DefaultAuthorizationExceptionHandler.class)
class ForbiddenPage extends DefaultAuthorizationExceptionHandler {
    private final ModelAndViewRenderer<Map<String, Object>, HttpRequest<?>> pages;

    @SuppressWarnings("rawtypes")
    ForbiddenPage(ErrorResponseProcessor<?> errorResponseProcessor, RedirectConfiguration redirectConfiguration,
                  RedirectService redirectService,
                  List<WwwAuthenticateChallengeProvider<HttpRequest<?>>> challengeProviders,
                  @Nullable PriorToLoginPersistence priorToLoginPersistence,
                  ModelAndViewRenderer<Map<String, Object>, HttpRequest<?>> pages) {
        super(errorResponseProcessor, redirectConfiguration, redirectService, challengeProviders, priorToLoginPersistence);
        this.pages = pages;
    }

    // Raw HttpRequest: ExceptionHandler.handle declares it raw, and a parameterised override would not override.
    @SuppressWarnings("rawtypes")
    @Override
    public MutableHttpResponse<?> handle(HttpRequest request, AuthorizationException e) {
        if (e.isForbidden() && wantsPage(request)) {
            Map<String, Object> model = new HashMap<>();
            model.put("path", request.getPath());
            Optional<Writable> page = pages.render(new ModelAndView<>("forbidden", model), request, MediaType.TEXT_HTML);
            if (page.isPresent()) {
                return HttpResponse.status(HttpStatus.FORBIDDEN).contentType(MediaType.TEXT_HTML_TYPE).body(page.get());
            }
        }
        return super.handle(request, e);
    }

    /** A browser's navigation asks for HTML by name; API clients ask for JSON (or anything). */
    private static boolean wantsPage(HttpRequest<?> request) {
        return request.accept().stream().anyMatch(t -> MediaType.TEXT_HTML.equals(t.getName()));
    }
}
