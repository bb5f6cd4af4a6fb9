package io.uptake.web;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.io.Writable;
import io.micronaut.core.io.scan.ClassPathResourceLoader;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.server.util.locale.HttpLocaleResolver;
import io.micronaut.views.exceptions.ViewRenderingException;
import io.micronaut.views.thymeleaf.ThymeleafViewsRenderer;
import jakarta.inject.Singleton;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.templateresolver.AbstractConfigurableTemplateResolver;

import java.io.IOException;
import java.io.StringWriter;

/**
 * Renders a page in full before its response starts, so that a template that fails is a 500 with a reference
 * ({@link UnexpectedErrorHandler}) instead of a request that never answers.
 *
 * <p>Micronaut Views renders lazily, while the response body is written on an I/O thread; an exception there is
 * only logged, and the browser waits until it times out (micronaut-views issue 832, open for Thymeleaf in 5.9). A
 * CCC would see a page that spins for ever. Rendering here, inside the views filter, turns the failure into an
 * error the server's handlers answer. The cost is holding one page as a string (tens of kilobytes; the largest
 * list is paged at 50 rows) before it is sent.
 */
@Singleton
@Replaces(ThymeleafViewsRenderer.class)
class RenderedBeforeSending<T> extends ThymeleafViewsRenderer<T> {
    RenderedBeforeSending(AbstractConfigurableTemplateResolver templateResolver, TemplateEngine engine,
                          ClassPathResourceLoader resourceLoader, HttpLocaleResolver httpLocaleResolver) {
        super(templateResolver, engine, resourceLoader, httpLocaleResolver);
    }

    @Override
    public Writable render(String viewName, T data, HttpRequest<?> request) {
        StringWriter page = new StringWriter();
        try {
            super.render(viewName, data, request).writeTo(page);
        } catch (IOException e) {
            throw new ViewRenderingException("Error rendering view [" + viewName + "]", e);
        }
        String html = page.toString();
        return out -> out.write(html);
    }
}
