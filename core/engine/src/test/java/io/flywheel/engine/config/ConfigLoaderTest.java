package io.flywheel.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private ConfigLoader.Result load(String yaml, Map<String, String> env) throws Exception {
        Path file = Files.writeString(dir.resolve("config.yml"), yaml);
        return new ConfigLoader().load(file, env);
    }

    private static List<String> messages(ConfigLoader.Result r) {
        return r.problems().all().stream().map(Problem::toString).toList();
    }

    @Test
    void loadsAValidConfigWithDefaults() throws Exception {
        var r = load("""
                keywords:
                  Java: 3
                  remote: 1.5
                sources:
                  - id: hn
                    type: rss
                    url: https://example.org/feed
                    every: 30m
                outputs:
                  - id: console
                    type: console
                """, Map.of());
        assertThat(r.problems().all()).isEmpty();
        FlywheelConfig c = r.config().orElseThrow();
        assertThat(c.keywords()).containsEntry("java", 3.0).containsEntry("remote", 1.5);
        assertThat(c.store().path()).isEqualTo(dir.resolve("data/flywheel.db"));
        assertThat(c.plugins().dir()).isEqualTo(dir.resolve("plugins"));
        Instance hn = c.instances(ComponentKind.SOURCE).getFirst();
        assertThat(hn.id()).isEqualTo("hn");
        assertThat(hn.type()).isEqualTo("rss");
        assertThat(hn.host(HostSettings.Source.class).every()).isEqualTo(Duration.ofMinutes(30));
        assertThat(hn.settings().entries()).containsOnlyKeys("url");
        assertThat(c.instances(ComponentKind.OUTPUT)).extracting(Instance::id).containsExactly("console");
    }

    @Test
    void reportsEveryProblemWithFileLineAndColumn() throws Exception {
        var r = load("""
                stor:
                  path: data/x.db
                http:
                  retries: lots
                keywords:
                  java: -1
                sources:
                  - id: hn
                    type: rss
                    every: soon
                  - id: hn
                    type: rss
                  - type: rss
                  - id: Bad_Id
                    type: rss
                  - id: no-type
                outputs:
                  - id: discord
                    type: discord
                    token: ${DISCORD_TOKEN}
                    webhook: ${DISCORD_WEBHOOK_URL}
                """, Map.of());
        assertThat(messages(r)).contains(
                "config.yml:1:1: error: config: unknown key 'stor'; did you mean 'store'?",
                "config.yml:4:12: error: http.retries: expected a whole number, found 'lots'",
                "config.yml:6:3: error: keywords.java: weight must not be negative, found -1.0",
                "config.yml:10:12: error: sources[hn].every: not a duration: 'soon' (write e.g. 90s, 15m, 1h30m, 7d or PT15M)",
                "config.yml:11:9: error: sources[hn]: duplicate id 'hn' (first at line 8)",
                "config.yml:13:5: error: sources[2]: missing required key 'id'",
                "config.yml:14:9: error: sources[Bad_Id]: id must be lower-case letters, digits and '-', found 'Bad_Id'",
                "config.yml:16:5: error: sources[no-type]: missing required key 'type'",
                "config.yml:20:12: error: environment variable DISCORD_TOKEN is not set (put it in the environment or in .env; .env.example documents it)",
                "config.yml:21:14: error: environment variable DISCORD_WEBHOOK_URL is not set (put it in the environment or in .env; .env.example documents it)");
    }

    @Test
    void aValueARecordRejectsIsPointedAtWhereItIsWrittenNotAtTheSectionStart() throws Exception {
        var r = load("""
                keywords: {java: 1}
                store:
                  retention: 30d
                  fsync: batch
                  checkpoint: 2h
                http: {retries: 2, timeout: 0s}
                commands:
                  admin-roles: "42"
                  admin-users: 123, abc
                sources:
                  - id: hn
                    type: rss
                    url: https://example.org/feed
                    every: 0s
                """, Map.of());
        assertThat(messages(r)).containsExactly(
                "config.yml:5:15: error: store: checkpoint: must be between 0s and 1h, found PT2H",
                "config.yml:6:29: error: http: timeout: must be positive",
                // the message names no key: the section it came from
                "config.yml:8:3: error: commands: admin ids are Discord ids (digits), found 'abc'",
                "config.yml:14:12: error: sources[hn]: every: must be at least 1s, found 0s");
    }

    @Test
    void enabledWithNoValueIsTheDefaultNotAQuietlyDisabledEntry() throws Exception {
        var r = load("""
                keywords: {java: 1}
                sources:
                  - id: hn
                    type: rss
                    enabled:
                  - id: off
                    type: rss
                    enabled: false
                """, Map.of());
        assertThat(r.problems().all()).isEmpty();
        assertThat(r.config().orElseThrow().enabled(ComponentKind.SOURCE)).extracting(Instance::id).containsExactly("hn");
        var watch = load("keywords: {java: 1}\nrules:\n  watch:\n", Map.of());
        assertThat(watch.problems().all()).isEmpty();
        assertThat(watch.config().orElseThrow().rules().watch()).isTrue();
        var off = load("keywords: {java: 1}\nrules:\n  watch: ${WATCH:+true}\n", Map.of());
        assertThat(off.config().orElseThrow().rules().watch()).isFalse();
    }

    @Test
    void aMarketPolledMoreOftenThanEverySecondIsNamedWithItsValue() throws Exception {
        for (String every : new String[] {"0s", "0", "500ms", "PT-5S"}) {
            var r = load("""
                    keywords:
                      java: 1
                    markets:
                      - id: btc
                        type: csv
                        every: %s
                    """.formatted(every), Map.of());
            assertThat(messages(r)).as(every).singleElement().asString()
                    .startsWith("config.yml:6:12: error: markets[btc]: every: must be at least 1s, found ");
        }
        assertThat(messages(load("keywords:\n  java: 1\nmarkets:\n  - id: btc\n    type: csv\n    every: 500ms\n", Map.of())))
                .containsExactly("config.yml:6:12: error: markets[btc]: every: must be at least 1s, found 500ms");
        assertThat(messages(load("keywords:\n  java: 1\nmarkets:\n  - id: btc\n    type: csv\n    every: PT-5S\n", Map.of())))
                .containsExactly("config.yml:6:12: error: markets[btc]: every: must be at least 1s, found PT-5S");
        var ok = load("keywords:\n  java: 1\nmarkets:\n  - id: btc\n    type: csv\n    every: 1s\n", Map.of());
        assertThat(ok.problems().all()).isEmpty();
        assertThat(ok.config().orElseThrow().instances(ComponentKind.MARKET).getFirst().host(HostSettings.Market.class).every()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aMinWeightTheStrategiesCannotAllHaveIsNamed() throws Exception {
        var r = load("""
                keywords:
                  java: 1
                trading:
                  min-weight: 0.4
                strategies:
                  - id: a
                    type: buy-and-hold
                  - id: b
                    type: buy-and-hold
                  - id: c
                    type: buy-and-hold
                """, Map.of());
        assertThat(messages(r)).contains("config.yml:4:3: error: trading.min-weight: 0.4 for each of 3 strategies is more than all the capital; at most 0.33333 for 3");
    }

    @Test
    void aConfiguredPlatformIsStoredLowerCaseAsAReportedOneIs() throws Exception {
        var r = load("""
                keywords:
                  java: 1
                sources:
                  - id: hn
                    type: rss
                    platform: " HackerNews "
                  - id: digest
                    type: rss
                """, Map.of());
        assertThat(r.problems().all()).isEmpty();
        assertThat(r.config().orElseThrow().instances(ComponentKind.SOURCE)).extracting(i -> i.host(HostSettings.Source.class).platform())
                .containsExactly("hackernews", null);
    }

    @Test
    void aDurationTooLargeIsNamedWithFileLineAndKey() throws Exception {
        var r = load("""
                keywords:
                  java: 1
                sources:
                  - id: hn
                    type: rss
                    every: 99999999999999999d
                learning:
                  every: P99999999999999999D
                """, Map.of());
        assertThat(messages(r)).containsExactly(
                "config.yml:6:12: error: sources[hn].every: too large: '99999999999999999d'",
                "config.yml:8:10: error: learning.every: too large: 'P99999999999999999D'");
    }

    @Test
    void aDisabledEntryNeedsNoVariables() throws Exception {
        var r = load("""
                keywords:
                  java: 1
                outputs:
                  - id: discord
                    type: discord
                    enabled: ${DISCORD_TOKEN:+true}
                    token: ${DISCORD_TOKEN}
                """, Map.of());
        assertThat(r.problems().all()).isEmpty();
        assertThat(r.config().orElseThrow().instances(ComponentKind.OUTPUT).getFirst().enabled()).isFalse();

        var withToken = load("""
                keywords:
                  java: 1
                outputs:
                  - id: discord
                    type: discord
                    enabled: ${DISCORD_TOKEN:+true}
                    token: ${DISCORD_TOKEN}
                """, Map.of("DISCORD_TOKEN", "x".repeat(10)));
        assertThat(withToken.config().orElseThrow().enabled(ComponentKind.OUTPUT)).hasSize(1);
    }

    @Test
    void warnsAboutSecretsWrittenInClear() throws Exception {
        var r = load("""
                keywords:
                  java: 1
                outputs:
                  - id: hook
                    type: webhook
                    url: https://discord.com/api/webhooks/123456789/abcDEF-ghi_jkl
                  - id: bot
                    type: discord
                    token: plain-text-token
                  - id: ok
                    type: discord
                    token: ${DISCORD_TOKEN:-}
                  - id: fallback
                    type: json
                    api-key: ${JOBS_API_KEY:-sk_live_0123456789}
                    password: ${DB_PASSWORD:+${DB_PASSWORD}}
                """, Map.of());
        assertThat(r.problems().hasErrors()).isFalse();
        assertThat(messages(r)).containsExactly(
                "config.yml:6:10: warning: outputs[0].url: a Discord token or webhook URL written in clear; put it in .env and write ${NAME} here",
                "config.yml:9:12: warning: outputs[1].token: looks like a secret written in clear; put it in .env and write ${NAME} here",
                "config.yml:15:14: warning: outputs[3].api-key: looks like a secret written in clear; put it in .env and write ${NAME} here");
    }

    @Test
    void reportsYamlSyntaxErrorsWithTheirPlace() throws Exception {
        var r = load("sources:\n  - id: a\n   type: rss\n", Map.of());
        assertThat(r.config()).isEmpty();
        assertThat(messages(r)).singleElement().asString().startsWith("config.yml:3:").contains("not valid YAML");
    }

    @Test
    void aYamlSyntaxErrorSaysWhatWasFoundNotOnlyWhatTheParserWasDoing() throws Exception {
        // before: "not valid YAML: while scanning for the next token" and "not valid YAML: while parsing a block collection",
        // the parser's context line only; the line saying what is wrong (a tab, a mis-indented key) was cut off
        var tab = load("sources:\n  - id: a\n\ttype: rss\n", Map.of());
        assertThat(messages(tab)).singleElement().asString().startsWith("config.yml:3:")
                .contains("found character '\\t(TAB)' that cannot start any token").contains("while scanning for the next token");
        var indent = load("sources:\n  - id: a\n    type: rss\n   every: 1h\n", Map.of());
        assertThat(messages(indent)).singleElement().asString().startsWith("config.yml:4:")
                .contains("expected <block end>, but found").contains("check the indentation");
    }

    @Test
    void aYamlSyntaxErrorIsPlacedByTheParsersMarkNotByTextOnTheBadLine() throws Exception {
        // before: the last "line N, column M" anywhere in the message won, also one in the excerpt of the operator's own line: 40:2
        var r = load("sources:\n  - id: a\n    type: rss\n   every: 1h  # see line 40, column 2\n", Map.of());
        assertThat(messages(r)).singleElement().asString().startsWith("config.yml:4:4: error: not valid YAML: expected <block end>");
    }

    @Test
    void anUnclosedQuoteIsPlacedWhereItOpensNotPastTheEndOfTheFile() throws Exception {
        // before: config.yml:3:1, the parser's "end of stream" mark, a line after the last one of this 2-line file
        var r = load("a: 'unclosed\nb: 2\n", Map.of());
        assertThat(messages(r)).singleElement().asString()
                .startsWith("config.yml:1:4: error: not valid YAML: found unexpected end of stream (while scanning a quoted scalar)");
    }

    @Test
    void reportsDuplicateYamlKeys() throws Exception {
        var r = load("keywords:\n  java: 1\n  java: 2\n", Map.of());
        assertThat(messages(r)).contains("config.yml:3:3: error: duplicate key 'java' (first at line 2)");
    }

    @Test
    void aMissingConfigFileIsOneClearError() {
        var r = new ConfigLoader().load(dir.resolve("nope.yml"), Map.of());
        assertThat(r.config()).isEmpty();
        assertThat(messages(r)).singleElement().asString().contains("config file not found");
    }

    @Test
    void anEmptyFileIsAnEmptyConfigThatStillNeedsKeywords() throws Exception {
        var r = load("", Map.of());
        assertThat(messages(r)).singleElement().asString().startsWith("config.yml: error: keywords: none configured;");
        assertThat(r.config().orElseThrow().instances()).isEmpty();
        var minimal = load("keywords:\n  java: 1\n", Map.of());
        assertThat(minimal.problems().all()).isEmpty();
        assertThat(minimal.config().orElseThrow().instances()).isEmpty();
    }

    @Test
    void aConfigWithoutKeywordsIsAnErrorAtKeywordsWithAHint() throws Exception {
        // without one keyword the keyword-weights rule has no weights to return and `flywheel run` fails at start
        assertThat(messages(load("sources:\n  - id: hn\n    type: rss\n", Map.of()))).containsExactly(
                "config.yml: error: keywords: none configured; leads are matched and scored by them, so write at least one with its weight, e.g. keywords: {backend: 3, remote: 2}");
        assertThat(messages(load("store:\n  path: x.db\nkeywords:\n", Map.of()))).singleElement().asString()
                .startsWith("config.yml:3:1: error: keywords: none configured;").contains("e.g. keywords: {backend: 3, remote: 2}");
        assertThat(messages(load("keywords: {}\n", Map.of()))).singleElement().asString()
                .startsWith("config.yml:1:1: error: keywords: none configured;");
        // a keywords section that is not a map is reported once, as what it is
        assertThat(messages(load("keywords: [java, go]\n", Map.of()))).singleElement().asString()
                .startsWith("config.yml:1:11: error: keywords: expected a map of name: value");
    }

    @Test
    void postingDefaultsToEveryLeadAndBindsALimitWithExploration() throws Exception {
        assertThat(load("keywords:\n  java: 1\n", Map.of()).config().orElseThrow().posting()).isEqualTo(new Settings.Posting(null, 0.05));
        var r = load("keywords:\n  java: 1\nposting:\n  max-per-run: 3\n  explore: 0.1\n", Map.of());
        assertThat(r.problems().all()).isEmpty();
        assertThat(r.config().orElseThrow().posting()).isEqualTo(new Settings.Posting(3, 0.1));
    }

    @Test
    void badPostingValuesAreNamedWithFileAndLine() throws Exception {
        assertThat(messages(load("keywords:\n  java: 1\nposting:\n  max-per-run: 0\n", Map.of())))
                .singleElement().asString().startsWith("config.yml:4:").contains("max-per-run: must be at least 1").contains("found 0");
        assertThat(messages(load("keywords:\n  java: 1\nposting:\n  explore: 1.5\n", Map.of())))
                .singleElement().asString().startsWith("config.yml:4:").contains("explore: must be between 0 and 1, found 1.5");
        assertThat(messages(load("keywords:\n  java: 1\nposting:\n  max-per-runs: 2\n", Map.of())))
                .singleElement().asString().startsWith("config.yml:4:").contains("max-per-runs").contains("max-per-run");
    }

    @Test
    void aSecondYamlDocumentIsAnErrorAtItsDashesNotSilentlyIgnored() throws Exception {
        var r = load("""
                keywords: {java: 1}
                ---
                sources:
                  - id: hn
                    type: rss
                """, Map.of());
        assertThat(messages(r)).containsExactly("config.yml:2:1: error: a second YAML document starts here ('---'); config.yml is one document and"
                + " everything from this line on would be ignored: remove the '---' line or merge the two");
        // a document that opens with '---', or ends with '...', is one document
        assertThat(load("---\nkeywords: {java: 1}\n", Map.of()).problems().all()).isEmpty();
        assertThat(load("keywords: {java: 1}\n...\n", Map.of()).problems().all()).isEmpty();
        assertThat(load("keywords: {java: 1}\n---\n", Map.of()).problems().all()).isEmpty();
        assertThat(messages(load("# settings\n---\nkeywords: {java: 1}\n---\n# more\noutputs: []\n", Map.of())))
                .singleElement().asString().startsWith("config.yml:4:1: error: a second YAML document starts here");
    }

    @Test
    void keywordsThatDifferOnlyInCaseAreOneKeywordWithTwoWeightsAndAnError() throws Exception {
        var r = load("""
                keywords:
                  Java: 2
                  remote: 1
                  java: 3
                  " ": 1
                """, Map.of());
        assertThat(messages(r)).containsExactly(
                "config.yml:4:3: error: keywords.java: the same keyword as 'Java' (line 2), as keywords match regardless of case; its weight 3.0 would replace 2.0: keep one of them",
                "config.yml:5:3: error: keywords: an empty keyword ' ' matches nothing; write the word or remove it");
        assertThat(r.config().orElseThrow().keywords()).containsOnlyKeys("java", "remote");
    }

    @Test
    void anEntryWithSeveralProblemsHasEveryOneReportedInOnePassAndIsDropped() throws Exception {
        var r = load("""
                keywords: {java: 1}
                sources:
                  - id: hn
                    type: rss
                  - id: hn
                    type: rss
                    every: soon
                  - type: rss
                    focus: many
                  - id: no-type
                    every: never
                    enabled: maybe
                  - id: slow
                    type: rss
                    every: soon
                    jitter: later
                    url: ${FEED_URL}
                """, Map.of());
        // before, each entry stopped at its first problem: every: soon, focus, every: never, enabled and FEED_URL were not shown
        assertThat(messages(r)).containsExactly(
                "config.yml:5:9: error: sources[hn]: duplicate id 'hn' (first at line 3)",
                "config.yml:7:12: error: sources[hn].every: not a duration: 'soon' (write e.g. 90s, 15m, 1h30m, 7d or PT15M)",
                "config.yml:8:5: error: sources[2]: missing required key 'id'",
                "config.yml:9:12: error: sources[2].focus: expected a whole number, found 'many'",
                "config.yml:10:5: error: sources[no-type]: missing required key 'type'",
                "config.yml:11:12: error: sources[no-type].every: not a duration: 'never' (write e.g. 90s, 15m, 1h30m, 7d or PT15M)",
                "config.yml:12:14: error: sources[no-type].enabled: expected true or false, found 'maybe'",
                "config.yml:15:12: error: sources[slow].every: not a duration: 'soon' (write e.g. 90s, 15m, 1h30m, 7d or PT15M)",
                "config.yml:16:13: error: sources[slow].jitter: not a duration: 'later' (write e.g. 90s, 15m, 1h30m, 7d or PT15M)",
                "config.yml:17:10: error: environment variable FEED_URL is not set (put it in the environment or in .env; .env.example documents it)");
        assertThat(r.config().orElseThrow().instances()).extracting(Instance::id).containsExactly("hn");
        assertThat(r.dropped()).extracting(ConfigLoader.Dropped::path).containsExactly("sources[hn]", "sources[2]", "sources[no-type]", "sources[slow]");
        assertThat(r.dropped()).extracting(ConfigLoader.Dropped::type).containsExactly("rss", "rss", null, "rss");
        assertThat(r.dropped().getLast().settings().entries()).containsOnlyKeys("url");
    }

    @Test
    void aCommonKeyInTheWrongCaseIsAnUnknownKeyWithAHintNotAMissingOne() throws Exception {
        var r = load("""
                keywords: {java: 1}
                sources:
                  - ID: hn
                    Type: rss
                    url: https://example.org/feed
                  - id: off
                    type: rss
                    Enabled: false
                """, Map.of());
        assertThat(messages(r)).containsExactly(
                "config.yml:3:5: error: sources[0]: unknown key 'ID'; did you mean 'id'?",
                "config.yml:4:5: error: sources[0]: unknown key 'Type'; did you mean 'type'?",
                "config.yml:8:5: error: sources[off]: unknown key 'Enabled'; did you mean 'enabled'?");
        assertThat(r.config().orElseThrow().instances()).isEmpty();
        // the misspelt keys are not handed on to the plugin as its own unknown keys
        assertThat(r.dropped()).extracting(d -> d.settings().entries().keySet()).containsExactly(java.util.Set.of("url"), java.util.Set.of());
    }

    @Test
    void twoSpellingsOfOneKeyAreAnErrorNotALostValue() throws Exception {
        var r = load("""
                keywords: {java: 1}
                http:
                  retries: 2
                  Retries: 5
                sources:
                  - id: hn
                    type: rss
                    every: 1m
                    Every: 5m
                store: {path: a.db}
                Store: {path: b.db}
                """, Map.of());
        // before, the later spelling of a key replaced the earlier and the later section was never read, without a word
        assertThat(messages(r)).containsExactly(
                "config.yml:4:3: error: http: 'Retries' is the same key as 'retries' (line 3), as keys match regardless of case, '-' and '_'; keep one of them",
                "config.yml:9:5: error: sources[hn]: 'Every' is the same key as 'every' (line 8), as keys match regardless of case, '-' and '_'; keep one of them",
                "config.yml:11:1: error: config: 'Store' is the same section as 'store' (line 10), as keys match regardless of case, '-' and '_', and only the first would be read; merge them");
    }

    @Test
    void aCheckOnAKeyWrittenInAnotherSpellingPointsAtThatKey() throws Exception {
        var r = load("""
                Keywords:
                  java: 1
                  go: -2
                Trading:
                  minWeight: 0.6
                strategies:
                  - id: a
                    type: buy-and-hold
                  - id: b
                    type: buy-and-hold
                """, Map.of());
        // before, both pointed at the start of the file
        assertThat(messages(r)).containsExactly(
                "config.yml:3:3: error: keywords.go: weight must not be negative, found -2.0",
                "config.yml:5:3: error: trading.min-weight: 0.6 for each of 2 strategies is more than all the capital; at most 0.5 for 2");
    }

    @Test
    void aHostOverrideIsFoundWhateverItsCaseAndOneThatCouldNeverBeFoundIsAnError() throws Exception {
        var r = load("""
                keywords: {java: 1}
                http:
                  hosts:
                    API.Example.org: {interval: 5s}
                """, Map.of());
        assertThat(r.problems().all()).isEmpty();
        // before, the key kept its capitals and the lower-case lookup never found it: the default 1s applied
        assertThat(r.config().orElseThrow().http().limitsFor("api.example.org").interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(messages(load("keywords: {java: 1}\nhttp:\n  hosts:\n    https://example.org: {interval: 5s}\n", Map.of()))).containsExactly(
                "config.yml:4:5: error: http: hosts: 'https://example.org' is not a host name; write it as example.org, without scheme, port or '*.'"
                        + " (a name covers its subdomains)");
        assertThat(messages(load("keywords: {java: 1}\nhttp:\n  hosts:\n    '*.example.org': {interval: 5s}\n", Map.of())))
                .singleElement().asString().contains("'*.example.org' is not a host name");
        assertThat(messages(load("keywords: {java: 1}\nhttp:\n  hosts:\n    example.org: {interval: 5s}\n    Example.org: {interval: 9s}\n", Map.of())))
                .containsExactly("config.yml:4:5: error: http: hosts: 'Example.org' is the same host as 'example.org', as host names ignore case; keep one");
    }

    @Test
    void hostOverridesThatAppliedBeforeStillLoadAndApply() throws Exception {
        var r = load("""
                keywords: {java: 1}
                http:
                  hosts:
                    my_api: {interval: 5s}
                    '[::1]': {interval: 6s}
                    'fe80::2': {interval: 7s}
                    example.net.: {interval: 8s}
                """, Map.of());
        assertThat(messages(r)).isEmpty();
        Settings.Http http = r.config().orElseThrow().http();
        // a compose service's name has '_': before this check, its key found requests to it (HostPolitenessTest: on any port)
        assertThat(http.limitsFor("my_api").interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(http.limitsFor(java.net.URI.create("http://[::1]:8080/").getHost()).interval()).isEqualTo(Duration.ofSeconds(6));
        assertThat(http.limitsFor("[fe80::2]").interval()).isEqualTo(Duration.ofSeconds(7));
        assertThat(http.limitsFor("jobs.example.net").interval()).isEqualTo(Duration.ofSeconds(8));
        assertThat(http.limitsFor("example.net.").interval()).isEqualTo(Duration.ofSeconds(8));
        assertThat(messages(load("keywords: {java: 1}\nhttp:\n  hosts:\n    example.org:8080: {interval: 5s}\n", Map.of())))
                .singleElement().asString().contains("'example.org:8080' is not a host name");
    }

    @Test
    void anIdOrTypeThatIsNotASingleValueIsSaidSoNotCalledMissing() throws Exception {
        var r = load("""
                keywords: {java: 1}
                sources:
                  - id: [hn, lobsters]
                    type: rss
                  - id: digest
                    type: {name: rss}
                """, Map.of());
        assertThat(messages(r)).containsExactly(
                "config.yml:3:9: error: sources[0].id: expected a single value, found a list",
                "config.yml:6:11: error: sources[digest].type: expected a single value, found a map");
    }
}
