package io.uptake;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.EmbeddedApplication;
import io.micronaut.runtime.Micronaut;
import io.uptake.db.Backups;
import io.uptake.db.EmbeddedDatabase;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

@OpenAPIDefinition(
        info = @Info(title = "Uptake", version = "0.1.0",
                description = "Outreach and screening campaigns for NHS primary care. Log in with POST /login "
                        + "and send the access_token as a bearer token."),
        security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
public class Application {
    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("--backup") || args[0].equals("--restore"))) {
            // No service: back up or restore the embedded database, then exit.
            System.exit(Backups.run(args));
        }
        ApplicationContext context = Micronaut.build(args)
                .mainClass(Application.class)
                .defaultEnvironments("dev")
                .start();
        context.findBean(EmbeddedApplication.class).ifPresent(EmbeddedDatabase::stopAfter);
    }
}
