package io.uptake.security;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.annotation.NonNull;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.inject.ExecutableMethod;
import io.micronaut.management.endpoint.EndpointSensitivityProcessor;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRuleResult;
import io.micronaut.security.rules.SensitiveEndpointRule;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

/**
 * Sensitive management endpoints (/prometheus) are for ADMIN users only. Micronaut refuses them all
 * (HTTP 500) until an application says who may see them.
 */
@Singleton
@Replaces(SensitiveEndpointRule.class)
class AdminOnlySensitiveEndpoints extends SensitiveEndpointRule {

    AdminOnlySensitiveEndpoints(EndpointSensitivityProcessor endpointSensitivityProcessor) {
        super(endpointSensitivityProcessor);
    }

    @Override
    @NonNull
    protected Publisher<SecurityRuleResult> checkSensitiveAuthenticated(@NonNull HttpRequest<?> request,
                                                                        @NonNull Authentication authentication,
                                                                        @NonNull ExecutableMethod<?, ?> method) {
        return Publishers.just(authentication.getRoles().contains(Role.ADMIN.name())
                ? SecurityRuleResult.ALLOWED : SecurityRuleResult.REJECTED);
    }
}
