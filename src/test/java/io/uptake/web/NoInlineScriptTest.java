package io.uptake.web;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CSP (SecurityHeaders) allows scripts and styles only from our own files, so a view with inline script or
 * style would break in the browser: scripts go to src/main/resources/public/*.js, styles to its *.css.
 * Checked on the templates themselves, so the failure names the file and line.
 */
class NoInlineScriptTest {
    private static final Path VIEWS = Path.of("src/main/resources/views");
    /** A script element without a src: its body is inline script. */
    private static final Pattern INLINE_SCRIPT = Pattern.compile("<script(?![^>]*\\ssrc=)[^>]*>", Pattern.CASE_INSENSITIVE);
    /** onclick=, onload=, th:onclick= ...: inline event handlers; hx-on too, which htmx runs with eval. */
    private static final Pattern HANDLER = Pattern.compile("(\\s|:)(on[a-z]+|hx-on[:\\-a-z]*)\\s*=", Pattern.CASE_INSENSITIVE);
    private static final Pattern JAVASCRIPT_URL = Pattern.compile("javascript:", Pattern.CASE_INSENSITIVE);
    private static final Pattern INLINE_STYLE = Pattern.compile("<style[\\s>]|\\sstyle\\s*=|th:style\\s*=", Pattern.CASE_INSENSITIVE);

    @Test
    void viewsHaveNoInlineScriptHandlerOrStyle() throws IOException {
        List<String> found = new ArrayList<>();
        List<Path> views;
        try (Stream<Path> files = Files.list(VIEWS)) {
            views = files.filter(p -> p.toString().endsWith(".html")).sorted().toList();
        }
        assertThat(views).as("views in " + VIEWS).isNotEmpty();
        for (Path view : views) {
            List<String> lines = withoutComments(Files.readString(view, StandardCharsets.UTF_8)).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                for (Pattern p : List.of(INLINE_SCRIPT, HANDLER, JAVASCRIPT_URL, INLINE_STYLE)) {
                    Matcher m = p.matcher(lines.get(i));
                    if (m.find()) {
                        found.add(view.getFileName() + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(found).as("inline script, event handlers or styles (move them to src/main/resources/public/)")
                .isEmpty();
    }

    /** HTML comments are inert (and may name what they explain): blanked, keeping the line numbers. */
    private static String withoutComments(String html) {
        Matcher m = Pattern.compile("<!--.*?-->", Pattern.DOTALL).matcher(html);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group().replaceAll("[^\\n]", "")));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The scan itself finds what it is for (a scan that finds nothing anywhere would pass as well). */
    @Test
    void theScanRecognisesInlineScriptAndHandlers() {
        assertThat(INLINE_SCRIPT.matcher("<script>alert(1)</script>").find()).isTrue();
        assertThat(INLINE_SCRIPT.matcher("<script type=\"module\">x()</script>").find()).isTrue();
        assertThat(INLINE_SCRIPT.matcher("<script src=\"/assets/report.js\"></script>").find()).isFalse();
        assertThat(INLINE_SCRIPT.matcher("<script src=\"/webjars/htmx.min.js\" defer></script>").find()).isFalse();
        assertThat(HANDLER.matcher("<button onclick=\"go()\">").find()).isTrue();
        assertThat(HANDLER.matcher("<body th:onload=\"x\">").find()).isTrue();
        assertThat(HANDLER.matcher("<div hx-on:click=\"x\">").find()).isTrue();
        assertThat(HANDLER.matcher("<button hx-confirm=\"Cancel?\" hx-post=\"/x\">").find()).isFalse();
        assertThat(INLINE_STYLE.matcher("<p style=\"color:red\">").find()).isTrue();
        assertThat(INLINE_STYLE.matcher("<style>").find()).isTrue();
        assertThat(INLINE_STYLE.matcher("<link rel=\"stylesheet\" href=\"/assets/uptake.css\">").find()).isFalse();
        assertThat(withoutComments("<!-- an inline <style> would be refused -->\n<p>")).isEqualTo("\n<p>");
    }
}
