package io.uptake.letter;

import org.apache.fontbox.ttf.TTFParser;
import org.apache.pdfbox.io.RandomAccessReadBufferedFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The fonts letters are set in, found at run time in Debian's fonts-noto-core (never committed). One family per
 * script: Latin (Noto Sans), Arabic (Noto Naskh Arabic), Urdu (Noto Nastaliq Urdu: the style Urdu readers
 * expect, which only a full OpenType shaper such as Chromium's HarfBuzz can set), Bengali, Gujarati, Gurmukhi.
 * Chromium is given these files by path ({@link #fontFaces()}), never left to pick installed fonts by name, so a
 * letter is set in exactly the files checked here.
 */
final class LetterFonts {
    static final String PACKAGE = "fonts-noto-core";
    static final String NASTALIQ = "Noto Nastaliq Urdu";
    /** CSS family name to its regular and bold files. */
    static final Map<String, List<String>> FAMILIES = families();

    private static Map<String, List<String>> families() {
        Map<String, List<String>> f = new LinkedHashMap<>();
        f.put("Noto Sans", List.of("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"));
        f.put("Noto Naskh Arabic", List.of("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"));
        f.put(NASTALIQ, List.of("NotoNastaliqUrdu-Regular.ttf", "NotoNastaliqUrdu-Bold.ttf"));
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
    /** The fonts' PostScript names, as a PDF names the fonts it embeds. */
    private final Set<String> postScriptNames;

    private LetterFonts(Map<String, Path> files, Set<String> postScriptNames) {
        this.files = files;
        this.postScriptNames = postScriptNames;
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
        Set<String> names = new HashSet<>();
        FAMILIES.values().forEach(list -> list.forEach(n -> {
            files.put(n, found.get(n));
            names.add(postScriptName(found.get(n)));
        }));
        return new LetterFonts(Map.copyOf(files), Set.copyOf(names));
    }

    private static String postScriptName(Path file) {
        try (var in = new RandomAccessReadBufferedFile(file.toFile()); var font = new TTFParser().parse(in)) {
            return font.getName();
        } catch (IOException e) {
            throw new Missing("Letters cannot be printed: the font " + file + " cannot be read (" + e.getMessage()
                    + "). Reinstall the Debian package " + PACKAGE + ".");
        }
    }

    Path regular(String family) {
        return files.get(FAMILIES.get(family).get(0));
    }

    Path bold(String family) {
        return files.get(FAMILIES.get(family).get(1));
    }

    /** Whether a font a PDF embeds (its name, with or without a subset's "ABCDEF+" prefix) is one of these. */
    boolean isOurs(String embeddedName) {
        String name = embeddedName == null ? "" : embeddedName.replaceFirst("^[A-Z]{6}\\+", "");
        return postScriptNames.contains(name);
    }

    /**
     * {@code @font-face} rules naming each file by its path, for Chromium: a family declared so is never matched
     * to an installed font of the same name, so nothing else is used in its place.
     */
    String fontFaces() {
        StringBuilder css = new StringBuilder();
        for (String family : FAMILIES.keySet()) {
            face(css, family, regular(family), 400);
            face(css, family, bold(family), 700);
        }
        return css.toString();
    }

    private static void face(StringBuilder css, String family, Path file, int weight) {
        String url = file.toAbsolutePath().toUri().toString().replace("'", "%27");
        css.append("@font-face { font-family: '").append(family).append("'; src: url('").append(url)
                .append("'); font-weight: ").append(weight).append("; font-style: normal; }\n");
    }
}
