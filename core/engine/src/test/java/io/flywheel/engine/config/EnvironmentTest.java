package io.flywheel.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentTest {
    private static final Location HERE = new Location(Path.of("config.yml"), 3, 7);

    @TempDir
    Path dir;

    @Test
    void substitutesVariablesDefaultsAndAlternatives() {
        Environment env = Environment.of(Map.of("TOKEN", "abc", "EMPTY", ""));
        Problems problems = new Problems();
        assertThat(env.substitute("Bot ${TOKEN}", HERE, problems)).isEqualTo("Bot abc");
        assertThat(env.substitute("${MISSING:-fallback}", HERE, problems)).isEqualTo("fallback");
        assertThat(env.substitute("${EMPTY:-fallback}", HERE, problems)).isEqualTo("fallback");
        assertThat(env.substitute("${TOKEN:+on}", HERE, problems)).isEqualTo("on");
        assertThat(env.substitute("${MISSING:+on}", HERE, problems)).isEmpty();
        assertThat(env.substitute("costs $$5 and ${TOKEN:-x}", HERE, problems)).isEqualTo("costs $5 and abc");
        assertThat(env.substitute("no variables here", HERE, problems)).isEqualTo("no variables here");
        assertThat(problems.all()).isEmpty();
    }

    @Test
    void aDefaultOrAlternativeMayReferenceAnotherVariable() {
        Environment env = Environment.of(Map.of("A", "a", "B", "b"));
        Problems problems = new Problems();
        assertThat(env.substitute("${A:-${B}}", HERE, problems)).isEqualTo("a");
        assertThat(env.substitute("${X:-${B}}/x", HERE, problems)).isEqualTo("b/x");
        assertThat(env.substitute("${X:-${Y:-${B:+on}}}", HERE, problems)).isEqualTo("on");
        assertThat(env.substitute("${A:+${B}-$${B}}", HERE, problems)).isEqualTo("b-${B}");
        assertThat(env.substitute("${A:-${MISSING}}", HERE, problems)).isEqualTo("a");
        assertThat(problems.all()).isEmpty();
        assertThat(env.substitute("${X:-${MISSING}}", HERE, problems)).isEmpty();
        assertThat(problems.all()).extracting(Problem::message).singleElement().asString().startsWith("environment variable MISSING is not set");
    }

    @Test
    void namesEveryMissingVariableWithItsLocation() {
        Problems problems = new Problems();
        Environment.of(Map.of()).substitute("${DISCORD_TOKEN} and ${WEBHOOK_URL}", HERE, problems);
        assertThat(problems.all()).extracting(Problem::toString).containsExactly(
                "config.yml:3:7: error: environment variable DISCORD_TOKEN is not set (put it in the environment or in .env; .env.example documents it)",
                "config.yml:3:7: error: environment variable WEBHOOK_URL is not set (put it in the environment or in .env; .env.example documents it)");
    }

    @Test
    void rejectsMalformedReferences() {
        Problems problems = new Problems();
        Environment env = Environment.of(Map.of());
        env.substitute("${not a name}", HERE, problems);
        env.substitute("${UNCLOSED", HERE, problems);
        assertThat(problems.all()).extracting(Problem::message)
                .anySatisfy(m -> assertThat(m).contains("is not a variable reference"))
                .anySatisfy(m -> assertThat(m).contains("unclosed '${'"));
    }

    @Test
    void readsDotEnvAndLetsTheProcessEnvironmentWin() throws Exception {
        Path dotEnv = Files.writeString(dir.resolve(".env"), """
                # comment
                DISCORD_TOKEN=from-file
                export GUILD="123 456"
                QUOTED='it''s'
                TRAILING=value # a comment
                ONLY_FILE=yes

                not a valid line
                """);
        Problems problems = new Problems();
        Environment env = Environment.load(Map.of("DISCORD_TOKEN", "from-process"), dotEnv, problems);
        assertThat(env.get("DISCORD_TOKEN")).contains("from-process");
        assertThat(env.get("GUILD")).contains("123 456");
        assertThat(env.get("TRAILING")).contains("value");
        assertThat(env.get("ONLY_FILE")).contains("yes");
        assertThat(env.dotEnvValues()).containsEntry("DISCORD_TOKEN", "from-file");
        assertThat(problems.all()).singleElement()
                .hasToString(".env:8:1: error: expected NAME=value, found a line starting 'not' that is not in that form (its value is not shown)");
    }

    @Test
    void anEmptyProcessVariableHidingTheDotEnvValueIsSaidSo() throws Exception {
        Path dotEnv = Files.writeString(dir.resolve(".env"), "DISCORD_TOKEN=from-file\n");
        Problems problems = new Problems();
        Environment env = Environment.load(Map.of("DISCORD_TOKEN", ""), dotEnv, problems);
        env.substitute("${DISCORD_TOKEN}", HERE, problems);
        env.substitute("${ABSENT}", HERE, problems);
        assertThat(problems.all()).extracting(Problem::toString).containsExactly(
                "config.yml:3:7: error: environment variable ABSENT is not set (put it in the environment or in .env; .env.example documents it)",
                "config.yml:3:7: error: environment variable DISCORD_TOKEN is empty in the process environment, which wins over its value in .env (unset it there or give it the value)");
    }

    @Test
    void aSecretWrittenTheWrongWayIsNotPrintedInTheError() throws Exception {
        Path dotEnv = Files.writeString(dir.resolve(".env"), """
                JOBS_API_KEY: sk_live_abcdef1234567890
                export OPENAI_API_KEY sk-proj-0123456789
                """);
        Problems problems = new Problems();
        Environment.load(Map.of(), dotEnv, problems);
        assertThat(problems.all()).hasSize(2).allSatisfy(p -> assertThat(p.toString()).doesNotContain("sk_live").doesNotContain("sk-proj"));
        assertThat(problems.all().getFirst().toString()).contains(".env:1:1").contains("'JOBS_API_KEY'");
        assertThat(problems.all().get(1).toString()).contains(".env:2:1").contains("'OPENAI_API_KEY'");
    }

    @Test
    void quotedValuesWithACommentAByteOrderMarkAndWindowsLineEndingsReadAsWritten() throws Exception {
        Path dotEnv = dir.resolve(".env");
        Files.write(dotEnv, ("\uFEFFDISCORD_TOKEN=\"tok-en.value\" # from the developer portal\r\n"
                + "CHANNEL='123456' # #jobs\r\n"
                + "PASS=\"a\\\"b\\\\c\"\r\n"
                + "URL=https://example.org/?a=b#frag\r\n"
                + "BARE=value\t# tab before the comment\r\n"
                + "EMPTY=\r\n"
                + "CHANNEL=654321\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Problems problems = new Problems();
        Environment env = Environment.load(Map.of(), dotEnv, problems);
        assertThat(env.dotEnvValues()).containsEntry("DISCORD_TOKEN", "tok-en.value").containsEntry("PASS", "a\"b\\c")
                .containsEntry("URL", "https://example.org/?a=b#frag").containsEntry("BARE", "value").containsEntry("EMPTY", "")
                .containsEntry("CHANNEL", "654321");
        assertThat(problems.all()).extracting(Problem::toString)
                .containsExactly(".env:7:9: warning: CHANNEL is set twice (first at line 2); the last one is used");
    }

    @Test
    void aQuoteLeftOpenOrTextAfterTheClosingQuoteIsNamedWithoutTheValue() throws Exception {
        Path dotEnv = Files.writeString(dir.resolve(".env"), """
                API_KEY="sk_live_secret_1
                OTHER=fine
                TOKEN='sk_live_secret_2'x
                """);
        Problems problems = new Problems();
        Environment env = Environment.load(Map.of(), dotEnv, problems);
        assertThat(env.dotEnvValues()).containsOnlyKeys("OTHER");
        assertThat(problems.all()).extracting(Problem::toString).containsExactly(
                ".env:1:9: error: API_KEY: the value opens a quote (\") and never closes it (its value is not shown)",
                ".env:3:7: error: TOKEN: text after the closing quote ('); a comment after a value needs a space before '#' (its value is not shown)");
    }

    @Test
    void aMissingDotEnvIsFine() {
        Problems problems = new Problems();
        Environment env = Environment.load(Map.of("A", "1"), dir.resolve(".env"), problems);
        assertThat(env.get("A")).contains("1");
        assertThat(problems.all()).isEmpty();
    }

    @Test
    void aDotEnvValueExpandsReferencesToTheEnvironmentAndToEarlierLines() throws Exception {
        Path dotEnv = Files.writeString(dir.resolve(".env"), """
                TOKEN=abc
                URL=https://x/${TOKEN}
                BARE=$TOKEN/path
                PASSWORD=pa$word$$1$
                DATA=${HOME}/data
                FALLBACK=${NOPE:-fallback}
                LITERAL='${TOKEN} $TOKEN'
                DOLLAR=pa$$word
                BEARER="Bearer ${TOKEN}"
                OVERRIDDEN=${NOT_SET_ANYWHERE}
                TOKEN=def
                AGAIN=${TOKEN}
                """);
        Problems problems = new Problems();
        Environment env = Environment.load(Map.of("HOME", "/home/op", "OVERRIDDEN", "from-process"), dotEnv, problems);
        assertThat(env.dotEnvValues()).containsEntry("URL", "https://x/abc").containsEntry("DATA", "/home/op/data")
                .containsEntry("FALLBACK", "fallback").containsEntry("LITERAL", "${TOKEN} $TOKEN").containsEntry("DOLLAR", "pa$$word")
                .containsEntry("BARE", "$TOKEN/path").containsEntry("PASSWORD", "pa$word$$1$")
                .containsEntry("BEARER", "Bearer abc").containsEntry("AGAIN", "def");
        assertThat(env.get("OVERRIDDEN")).contains("from-process");
        assertThat(env.substitute("${URL}", HERE, problems)).isEqualTo("https://x/abc");
        // the process sets OVERRIDDEN, so what its .env line refers to does not matter
        assertThat(problems.all()).extracting(Problem::toString).containsExactly(".env:11:7: warning: TOKEN is set twice (first at line 1); the last one is used");
    }

    @Test
    void aDotEnvReferenceToANameNotSetSetLaterOrInACycleIsNamedWithoutAnyValue() throws Exception {
        Path dotEnv = Files.writeString(dir.resolve(".env"), """
                A=${B}/sk_live_1
                B=sk_live_2-${A}
                URL=https://x/${MISSING}
                EARLY=${LATE}
                LATE=sk_live_3
                SELF=${SELF}:x
                OPEN=sk_live_4${
                BAD=${sk_live_5 x}
                """);
        Problems problems = new Problems();
        Environment env = Environment.load(Map.of(), dotEnv, problems);
        assertThat(problems.all()).extracting(Problem::toString).containsExactly(
                ".env:1:3: error: A: refers to B, which refers back to A (A -> B -> A): a cycle that cannot be expanded; single-quote a value to keep it as written",
                ".env:3:5: error: URL: refers to MISSING, which is not set in the environment or on an earlier line of .env"
                        + " (single-quote the value to keep it as written)",
                ".env:4:7: error: EARLY: refers to LATE, which .env sets only later, at line 5; .env is read top to bottom, so set LATE above EARLY",
                ".env:6:6: error: SELF: refers to itself, and SELF is not set in the environment or on an earlier line of .env"
                        + " (single-quote the value to keep it as written)",
                ".env:7:6: warning: OPEN: an unclosed '${' is taken as written (its value is not shown; single-quote the value to say so)",
                ".env:8:5: warning: BAD: a '${...}' that is not a variable reference is taken as written (its value is not shown;"
                        + " a reference is ${NAME}, ${NAME:-default} or ${NAME:+value}; single-quote the value to say so)");
        assertThat(problems.all()).allSatisfy(p -> assertThat(p.message()).doesNotContain("sk_live"));
        assertThat(env.dotEnvValues()).containsEntry("A", "/sk_live_1").containsEntry("URL", "https://x/").containsEntry("LATE", "sk_live_3")
                .containsEntry("OPEN", "sk_live_4${").containsEntry("BAD", "${sk_live_5 x}");
        // a name set earlier may be extended, as in a shell
        Files.writeString(dotEnv, "OPTS=-a\nOPTS=${OPTS} -b\n");
        Problems again = new Problems();
        assertThat(Environment.load(Map.of(), dotEnv, again).dotEnvValues()).containsEntry("OPTS", "-a -b");
        assertThat(again.all()).extracting(Problem::severity).containsOnly(Problem.Severity.WARNING);
    }

    @Test
    void aShellStyleReferenceInConfigIsTakenAsWrittenWithAWarning() {
        Environment env = Environment.of(Map.of("token", "abc"));
        Problems problems = new Problems();
        assertThat(env.substitute("Bot $DISCORD_TOKEN", HERE, problems)).isEqualTo("Bot $DISCORD_TOKEN");
        assertThat(env.substitute("$token/x", HERE, problems)).isEqualTo("$token/x");
        // a regular expression's anchor, a price or a lower-case name nobody set is text, without a word
        assertThat(env.substitute("^senior$|costs $5|a$b", HERE, problems)).isEqualTo("^senior$|costs $5|a$b");
        assertThat(problems.all()).extracting(Problem::toString).containsExactlyInAnyOrder(
                "config.yml:3:7: warning: a shell-style $NAME at character 5 of this value is taken as written (it is not shown);"
                        + " a variable is referenced as ${NAME} (write $$ for a literal $)",
                "config.yml:3:7: warning: '$token' is taken as written; a variable is referenced as ${token} (write $$ for a literal $)");
    }

    @Test
    void aPasswordWrittenInlineInConfigIsNeverPartlyShownByTheShellStyleWarning() {
        Environment env = Environment.of(Map.of("PATH", "/usr/bin"));
        Problems problems = new Problems();
        // a '$' inside a word is no reference: no warning at all
        assertThat(env.substitute("Ab3$K9QZ2", HERE, problems)).isEqualTo("Ab3$K9QZ2");
        assertThat(problems.all()).isEmpty();
        // after a symbol it may be meant as one: the warning says where, not what
        assertThat(env.substitute("Ab3!$K9QZ2", HERE, problems)).isEqualTo("Ab3!$K9QZ2");
        assertThat(problems.all()).singleElement().satisfies(p -> {
            assertThat(p.severity()).isEqualTo(Problem.Severity.WARNING);
            assertThat(p.message()).contains("character 5").doesNotContain("K9QZ2");
        });
        // a name the environment sets is a variable's name, not a secret: named
        Problems set = new Problems();
        env.substitute("x$PATH", HERE, set);
        assertThat(set.all()).extracting(Problem::message).singleElement().asString().contains("'$PATH'");
    }

    @Test
    void aDotEnvValueWithADollarBraceThatCanBeNoReferenceLoadsAsWrittenAsItDidBefore() throws Exception {
        Path dotEnv = Files.writeString(dir.resolve(".env"), "PASSWORD=k3${q\nSECRET=\"a${1x}b\"\nEMPTY=x${}y\n".translateEscapes());
        Problems problems = new Problems();
        Environment env = Environment.load(Map.of(), dotEnv, problems);
        assertThat(problems.hasErrors()).isFalse();
        assertThat(problems.all()).hasSize(3).allSatisfy(p -> assertThat(p.message()).doesNotContain("k3").doesNotContain("1x"));
        assertThat(env.dotEnvValues()).containsEntry("PASSWORD", "k3${q").containsEntry("SECRET", "a${1x}b").containsEntry("EMPTY", "x${}y");
    }
    @Test
    void aBackslashBeforeDollarBraceInADoubleQuotedDotEnvValueIsALiteralDollarBrace() throws Exception {
        Path dotEnv = Files.writeString(dir.resolve(".env"), """
                TOKEN=abc
                ESCAPED="pa\\${x}ss"
                BOTH="\\${TOKEN} is ${TOKEN}"
                IN_DEFAULT="${NOPE:-\\${TOKEN}}"
                NOT_A_CYCLE="\\${LATER}"
                LATER=${NOT_A_CYCLE}
                OVERRIDDEN="\\${x}"
                """);
        Problems problems = new Problems();
        Environment env = Environment.load(Map.of("OVERRIDDEN", "from-process"), dotEnv, problems);
        assertThat(problems.all()).isEmpty();
        assertThat(env.dotEnvValues()).containsEntry("ESCAPED", "pa${x}ss").containsEntry("BOTH", "${TOKEN} is abc")
                .containsEntry("IN_DEFAULT", "${TOKEN}").containsEntry("NOT_A_CYCLE", "${LATER}").containsEntry("LATER", "${LATER}")
                .containsEntry("OVERRIDDEN", "${x}");
        // what config.yml reads from it is text too: the value is not expanded a second time
        assertThat(env.substitute("${ESCAPED}", HERE, problems)).isEqualTo("pa${x}ss");
        assertThat(problems.all()).isEmpty();
    }

    @Test
    void everyOtherBackslashInADotEnvValueReadsAsItDidBeforeTheDollarBraceEscape() throws Exception {
        Path dotEnv = Files.writeString(dir.resolve(".env"), """
                TOKEN=abc
                BACKSLASH_THEN_REFERENCE="\\\\${TOKEN}"
                DOLLAR_NOT_BRACE="pa\\$word\\$"
                BARE=\\${TOKEN}
                SINGLE='\\${TOKEN}'
                ESCAPES="a\\"b\\\\c\\nd\\te"
                BRACE_IN_DEFAULT="${NOPE:-x\\}"
                """);
        Problems problems = new Problems();
        Environment env = Environment.load(Map.of(), dotEnv, problems);
        // the same values as before; only the bare \${, which a shell would read as a literal, now warns (see below)
        assertThat(problems.all()).extracting(Problem::toString).containsExactly(BARE_BACKSLASH_WARNING.formatted(4, 6, "BARE"));
        assertThat(env.dotEnvValues()).containsEntry("BACKSLASH_THEN_REFERENCE", "\\abc").containsEntry("DOLLAR_NOT_BRACE", "pa\\$word\\$")
                .containsEntry("BARE", "\\abc").containsEntry("SINGLE", "\\${TOKEN}").containsEntry("ESCAPES", "a\"b\\c\nd\\te")
                .containsEntry("BRACE_IN_DEFAULT", "x\\");
    }

    @Test
    void aBadValueAroundTheDollarBraceEscapeIsNamedByFileAndLineWithoutTheValue() throws Exception {
        Path dotEnv = Files.writeString(dir.resolve(".env"), """
                OPEN_QUOTE="sk_live_1\\${x}\\"
                UNCLOSED="sk_live_2\\${x} ${"
                NOT_A_NAME="\\${x}${sk_live_3 y}"
                MISSING="\\${x}${NOT_SET}"
                """);
        Problems problems = new Problems();
        Environment env = Environment.load(Map.of(), dotEnv, problems);
        assertThat(problems.all()).extracting(Problem::toString).containsExactly(
                ".env:1:12: error: OPEN_QUOTE: the value opens a quote (\") and never closes it (its value is not shown)",
                ".env:2:10: warning: UNCLOSED: an unclosed '${' is taken as written (its value is not shown; single-quote the value to say so)",
                ".env:3:12: warning: NOT_A_NAME: a '${...}' that is not a variable reference is taken as written (its value is not shown;"
                        + " a reference is ${NAME}, ${NAME:-default} or ${NAME:+value}; single-quote the value to say so)",
                ".env:4:9: error: MISSING: refers to NOT_SET, which is not set in the environment or on an earlier line of .env"
                        + " (single-quote the value to keep it as written)");
        assertThat(problems.all()).allSatisfy(p -> assertThat(p.message()).doesNotContain("sk_live_1").doesNotContain("sk_live_2").doesNotContain("sk_live_3"));
        assertThat(env.dotEnvValues()).doesNotContainKey("OPEN_QUOTE").containsEntry("UNCLOSED", "sk_live_2${x} ${")
                .containsEntry("NOT_A_NAME", "${x}${sk_live_3 y}").containsEntry("MISSING", "${x}");
    }

    private static final String BARE_BACKSLASH_WARNING = ".env:%d:%d: warning: %s: a backslash before '${' in an unquoted value is kept and the"
            + " reference after it expanded (its value is not shown); for a literal '${' write \\${ in a double-quoted value, or single-quote the value";

    @Test
    void aBackslashBeforeAReferenceInAnUnquotedValueWarnsThatItExpandsWithoutShowingTheValue() throws Exception {
        // bash and the dotenv tools read PASSWORD=pa\${x} as the literal pa${x}; here it stays pa\ and x's value, as before, but not silently
        Path dotEnv = Files.writeString(dir.resolve(".env"), """
                x=sk_live_9
                PASSWORD=pa\\${x}
                DOUBLE_QUOTED="pa\\${x}"
                IN_DEFAULT=${NOPE:-\\${x}}
                NOT_BEFORE=a\\b${x}
                """);
        Problems problems = new Problems();
        Environment env = Environment.load(Map.of(), dotEnv, problems);
        assertThat(problems.all()).extracting(Problem::toString).containsExactly(BARE_BACKSLASH_WARNING.formatted(2, 10, "PASSWORD"),
                BARE_BACKSLASH_WARNING.formatted(4, 12, "IN_DEFAULT"));
        assertThat(problems.all()).allSatisfy(p -> assertThat(p.message()).doesNotContain("sk_live_9"));
        assertThat(env.dotEnvValues()).containsEntry("PASSWORD", "pa\\sk_live_9").containsEntry("DOUBLE_QUOTED", "pa${x}")
                .containsEntry("IN_DEFAULT", "\\sk_live_9").containsEntry("NOT_BEFORE", "a\\bsk_live_9");
    }
}
