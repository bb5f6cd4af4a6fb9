package io.uptake.letter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The fonts letters are set in, found at run time in Debian's fonts-noto-core (never committed). One family per
 * script, named in the CSS in this order, so that each character takes the first family that has it: Latin
 * (Noto Sans), Arabic script for Arabic and Urdu (Noto Naskh Arabic: openhtmltopdf shapes Arabic through ICU's
 * presentation forms, which the Naskh font maps and the Nastaliq font does not), Bengali, Gujarati, Gurmukhi.
 */
final class LetterFonts {
    static final String PACKAGE = "fonts-noto-core";
    /** CSS family name to its regular and bold files. */
    static final Map<String, List<String>> FAMILIES = families();

    private static Map<String, List<String>> families() {
        Map<String, List<String>> f = new LinkedHashMap<>();
        f.put("Noto Sans", List.of("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"));
        f.put("Noto Naskh Arabic", List.of("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"));
        f.put("Noto Sans Bengali", List.of("NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf"));
        f.put("Noto Sans Gujarati", List.of("NotoSansGujarati-Regular.ttf", "NotoSansGujarati-Bold.ttf"));
        f.put("Noto Sans Gurmukhi", List.of("NotoSansGurmukhi-Regular.ttf", "NotoSansGurmukhi-Bold.ttf"));
        return java.util.Collections.unmodifiableMap(f);
    }

    /** A font a letter needs is not installed. The message names the package to install. */
    static final class Missing extends RuntimeException {
        Missing(String message) {
            super(message);
        }
    }

    /** File name to its path, for every font file a letter uses. */
    private final Map<String, Path> files;

    private LetterFonts(Map<String, Path> files) {
        this.files = files;
    }

    /**
     * Finds the fonts under {@code dir}.
     *
     * @throws Missing naming the package and the files not found, when any is missing
     */
    static LetterFonts find(Path dir) {
        Map<String, Path> found = new HashMap<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(Files::isRegularFile).forEach(p -> found.putIfAbsent(p.getFileName().toString(), p));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the font directory " + dir, e);
            }
        }
        List<String> missing = FAMILIES.values().stream().flatMap(List::stream).filter(n -> !found.containsKey(n))
                .toList();
        if (!missing.isEmpty()) {
            throw new Missing("Letters cannot be printed: the fonts " + String.join(", ", missing) + " are not in "
                    + dir + ". Install the Debian package " + PACKAGE + " (apt-get install " + PACKAGE
                    + ") or set uptake.letter.font-dir to where they are.");
        }
        Map<String, Path> files = new HashMap<>();
        FAMILIES.values().forEach(names -> names.forEach(n -> files.put(n, found.get(n))));
        return new LetterFonts(Map.copyOf(files));
    }

    Path regular(String family) {
        return files.get(FAMILIES.get(family).get(0));
    }

    Path bold(String family) {
        return files.get(FAMILIES.get(family).get(1));
    }

    /** The CSS font-family list: every family, Latin first. */
    static String cssFamilies() {
        return String.join(", ", FAMILIES.keySet().stream().map(f -> "'" + f + "'").toList());
    }
}
