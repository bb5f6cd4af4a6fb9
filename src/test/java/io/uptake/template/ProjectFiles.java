package io.uptake.template;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** Opens templates/ and i18n/ from the project root (the tests run there), optionally rewriting one file. */
final class ProjectFiles {
    private ProjectFiles() {
    }

    static Function<String, Optional<InputStream>> root() {
        return edited(Map.of());
    }

    /** The project's files, with {@code edits} applied to the named files' text. */
    static Function<String, Optional<InputStream>> edited(Map<String, UnaryOperator<String>> edits) {
        return path -> {
            Path file = Path.of(path);
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                text = edits.getOrDefault(path, UnaryOperator.identity()).apply(text);
                return Optional.of(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /** A language file as it is shipped. */
    static java.util.Properties i18n(String lang) {
        try (var in = new java.io.InputStreamReader(Files.newInputStream(Path.of("i18n", lang + ".properties")),
                StandardCharsets.UTF_8)) {
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MessageTemplates templates(Function<String, Optional<InputStream>> open) {
        return new MessageTemplates(new TemplateCatalogue(open), new java.math.BigDecimal("0.04"), "GBP", 6);
    }
}
