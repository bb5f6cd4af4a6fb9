package io.uptake.reply;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.uptake.optout.OptOutLedger;
import io.uptake.sms.TwilioSignature;
import io.uptake.template.MessageTemplates;
import io.uptake.template.Placeholders;
import io.uptake.template.Reply;
import io.uptake.testsupport.Database;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every keyword of every shipped language file (i18n/*.properties, read here from the project, not from the
 * code under test), typed as a phone might (lower case too), is understood and answered in that language.
 */
@MicronautTest(transactional = false)
@Property(name = "micronaut.server.port", value = "-1")
class KeywordsPerLanguageTest {
    private static final Map<String, Intent> KEYS = Map.of("keywords.optOut", Intent.OPT_OUT,
            "keywords.optIn", Intent.OPT_IN, "keywords.call", Intent.CALL_REQUEST, "keywords.help", Intent.HELP);

    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    DataSource dataSource;
    @Inject
    java.time.Clock clock;
    @Inject
    TwilioSignature signature;
    @Inject
    MessageTemplates templates;
    @Inject
    OptOutLedger ledger;

    ReplyFixtures db;
    long campaign;

    @BeforeEach
    void setUp() {
        Database.reset(dataSource);
        db = new ReplyFixtures(dataSource, client.toBlocking(), signature, clock);
        long pcn = db.pcn("North PCN");
        db.practice("P84001", "Oak Surgery", pcn);
        campaign = db.campaign(pcn, "FIT non-returners");
    }

    static Stream<Arguments> keywordsOfEveryLanguage() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("i18n"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".properties")).sorted().toList()) {
                String language = file.getFileName().toString().replace(".properties", "");
                Properties properties = new Properties();
                try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    properties.load(reader);
                }
                KEYS.forEach((key, intent) -> {
                    for (String word : properties.getProperty(key, "").split(",")) {
                        if (!word.isBlank()) {
                            cases.add(Arguments.of(language, word.trim(), intent));
                            cases.add(Arguments.of(language, " " + word.trim().toLowerCase(Locale.ROOT) + ".", intent));
                        }
                    }
                });
            }
        }
        assertThat(cases).hasSizeGreaterThan(8 * 4 * 2);
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: \"{1}\" means {2}")
    @MethodSource("keywordsOfEveryLanguage")
    void eachKeywordIsUnderstoodAndAnsweredInThePatientsLanguage(String language, String word, Intent intent) {
        String mobile = ReplyFixtures.mobile(400);
        long patient = db.patient("P84001", mobile, language, "Ada");
        db.sentMessage(campaign, patient, mobile, language, clock.instant().minus(1, ChronoUnit.DAYS));
        String sid = ReplyFixtures.newSid();

        String answer = ReplyFixtures.messageOf(db.deliver(ReplyFixtures.twilioForm(sid, mobile, word)).body());

        assertThat(db.inbound(sid)).containsEntry("classification", intent.name())
                .containsEntry("likely_opt_out", false);
        Reply expected = switch (intent) {
            case OPT_OUT -> Reply.OPT_OUT_CONFIRMATION;
            case OPT_IN -> Reply.OPT_IN_CONFIRMATION;
            case HELP -> Reply.HELP;
            case CALL_REQUEST -> Reply.CALL_BACK;
            case FREE_TEXT, CHOICE -> Reply.UNKNOWN_REPLY;
        };
        var rendered = templates.renderReply(expected, language, new Placeholders("", "Oak Surgery", "0161 496 0000", null));
        assertThat(rendered.lang()).as("the language file is complete").isEqualTo(language);
        assertThat(answer).isEqualTo(rendered.text());
        assertThat(ledger.isOptedOut(patient)).isEqualTo(intent == Intent.OPT_OUT);
    }
}
