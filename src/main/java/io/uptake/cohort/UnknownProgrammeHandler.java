package io.uptake.cohort;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

import java.util.Map;

/** An unknown programme is a 404 that tells the caller which programmes exist. */
@Produces
@Singleton
@Requires(classes = {UnknownProgrammeException.class, ExceptionHandler.class})
class UnknownProgrammeHandler implements ExceptionHandler<UnknownProgrammeException, HttpResponse<?>> {
    // Raw HttpRequest: ExceptionHandler.handle declares it raw, and a parameterised override would not override.
    @SuppressWarnings("rawtypes")
    @Override
    public HttpResponse<?> handle(HttpRequest request, UnknownProgrammeException e) {
        return HttpResponse.notFound(Map.of("message", e.getMessage(), "programmes", e.programmes()));
    }
}
