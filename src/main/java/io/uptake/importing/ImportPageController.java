package io.uptake.importing;

import io.micronaut.http.annotation.Produces;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Part;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.http.multipart.CompletedFileUpload;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.views.ModelAndView;
import io.uptake.security.CurrentUser;
import io.uptake.security.Role;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/** The imports page: a multipart upload posted by htmx, answered with the results table. */
@Controller("/ui/imports")
@Secured({Role.ADMIN_NAME, Role.CCC_NAME})
@ExecuteOn(TaskExecutors.BLOCKING)
@Produces(MediaType.TEXT_HTML)
class ImportPageController {
    private final Importer importer;

    ImportPageController(Importer importer) {
        this.importer = importer;
    }

    @Get
    ModelAndView<Map<String, Object>> page() {
        Map<String, Object> model = new HashMap<>();
        // The page refuses a file over the limit before sending it; the server's 413 is the backstop.
        model.put("maxUploadBytes", importer.maxUploadBytes());
        model.put("maxUpload", Upload.describe(importer.maxUploadBytes()));
        return new ModelAndView<>("imports", model);
    }

    @Post(consumes = MediaType.MULTIPART_FORM_DATA, produces = MediaType.TEXT_HTML)
    ModelAndView<Map<String, Object>> upload(@Part("kind") String kind, @Nullable @Part("file") CompletedFileUpload file,
                                             Authentication auth) {
        Map<String, Object> model = new HashMap<>();
        if (!importer.isKind(kind)) {
            model.put("error", "Choose what the file holds: practices, patients or events.");
        } else if (file == null) {
            model.put("error", "Choose a CSV file to upload.");
        } else {
            // htmx swaps only 2xx answers, so a refused file is shown as a message in a 200 answer.
            try (InputStream in = file.getInputStream()) {
                model.put("result", ImportController.run(importer, kind, in, CurrentUser.of(auth)));
            } catch (HttpStatusException e) {
                model.put("error", e.getMessage());
            } catch (IOException e) {
                model.put("error", "The upload could not be read: " + e.getMessage());
            }
        }
        return new ModelAndView<>("import-result", model);
    }
}
