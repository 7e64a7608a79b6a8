package io.flywheel.engine.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.flywheel.api.command.BotCommand;
import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.command.CommandSpec;
import io.flywheel.api.command.CommandSpec.Option;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.store.MapDbStore;
import io.flywheel.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.Tag("mockito") // runs in the JVM with Mockito's agent (see core/engine/pom.xml)
class CommandRouterTest {
    @TempDir
    Path dir;
    MapDbStore store;
    final ManualClock clock = ManualClock.atDefaultStart();

    @BeforeEach
    void open() {
        store = MapDbStore.open(dir.resolve("f.db"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private CommandRouter router(Admins admins, BotCommand... commands) {
        return new CommandRouter(List.of(commands), admins, store, clock);
    }

    private static CommandCall call(String command, Map<String, String> options, String user, String... roles) {
        return new CommandCall(command, options, user, List.of(roles), "42");
    }

    private List<FeedbackEvent> audit() {
        return store.events(Instant.EPOCH, clock.instant().plusSeconds(1), Set.of(FeedbackEvent.Type.AUDIT));
    }

    @Test
    void refusesANonAdminPrivatelyAndAuditsTheAttempt() {
        BotCommand reload = command(new CommandSpec("rules", "r", List.of(new Option("action", "a", CommandSpec.Type.STRING, true, List.of("reload"))), true), "reloaded");
        CommandReply reply = router(Admins.parse("1", "900"), reload).dispatch(call("rules", Map.of("action", "reload"), "7")).join();
        assertThat(reply.ephemeral()).isTrue();
        assertThat(reply.text()).contains("/rules action:reload is for admins only");
        assertThat(audit()).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("7");
            assertThat(e.subject()).isEqualTo("/rules");
            assertThat(e.detail()).contains("refused");
        });
    }

    @Test
    void letsAnAdminByRoleRunAndAuditsWhatItDid() {
        BotCommand reload = command(new CommandSpec("rules", "r", List.of(), true), "reloaded 2 rules");
        CommandReply reply = router(Admins.parse("", "900, 901"), reload).dispatch(call("rules", Map.of(), "7", "901")).join();
        assertThat(reply.text()).isEqualTo("reloaded 2 rules");
        assertThat(audit()).singleElement().satisfies(e -> assertThat(e.detail()).contains("ran: reloaded 2 rules"));
    }

    @Test
    void explainsThatNoAdminsAreConfigured() {
        BotCommand admin = command(new CommandSpec("plugins", "p", List.of(), true), "x");
        assertThat(router(Admins.NONE, admin).dispatch(call("plugins", Map.of(), "1")).join().text()).contains("No admins are configured");
    }

    @Test
    void checksRequiredOptionsChoicesAndNumbersBeforeRunning() {
        BotCommand leads = command(new CommandSpec("leads", "l", List.of(
                new Option("limit", "how many", CommandSpec.Type.INTEGER, false, List.of()),
                new Option("mode", "m", CommandSpec.Type.STRING, true, List.of("a", "b"))), false), "ran");
        CommandRouter r = router(Admins.NONE, leads);
        assertThat(r.dispatch(call("leads", Map.of(), "1")).join().text()).contains("needs the option 'mode'");
        assertThat(r.dispatch(call("leads", Map.of("mode", "c"), "1")).join().text()).contains("'c' is not a valid mode");
        assertThat(r.dispatch(call("leads", Map.of("mode", "a", "limit", "ten"), "1")).join().text()).contains("'limit' must be a whole number, found 'ten'");
        assertThat(r.dispatch(call("leads", Map.of("mode", "a", "limit", "3"), "1")).join().text()).isEqualTo("ran");
        assertThat(r.dispatch(call("nope", Map.of(), "1")).join().text()).contains("Unknown command /nope");
    }

    @Test
    void aFailingCommandAnswersWithItsErrorAndTheRouterKeepsWorking() {
        BotCommand throwing = mock(BotCommand.class);
        when(throwing.spec()).thenReturn(new CommandSpec("boom", "b", List.of(), false));
        when(throwing.handle(org.mockito.ArgumentMatchers.any(), org.mockito.ArgumentMatchers.any())).thenThrow(new IllegalStateException("store is closed"));
        BotCommand failing = mock(BotCommand.class);
        when(failing.spec()).thenReturn(new CommandSpec("late", "l", List.of(), false));
        when(failing.handle(org.mockito.ArgumentMatchers.any(), org.mockito.ArgumentMatchers.any())).thenReturn(CompletableFuture.failedFuture(new RuntimeException("timed out")));
        CommandRouter r = router(Admins.NONE, throwing, failing, command(new CommandSpec("ok", "o", List.of(), false), "fine"));
        assertThat(r.dispatch(call("boom", Map.of(), "1")).join()).isEqualTo(CommandReply.privately("/boom failed: store is closed"));
        assertThat(r.dispatch(call("late", Map.of(), "1")).join()).isEqualTo(CommandReply.privately("/late failed: timed out"));
        assertThat(r.dispatch(call("ok", Map.of(), "1")).join().text()).isEqualTo("fine");
    }

    @Test
    void completesFromFixedChoicesAndFromTheCommand() {
        BotCommand c = new BotCommand() {
            @Override
            public CommandSpec spec() {
                return new CommandSpec("x", "x", List.of(new Option("source", "s", CommandSpec.Type.STRING, false, List.of("hn-fixed"))), false);
            }

            @Override
            public CompletableFuture<CommandReply> handle(CommandCall call) {
                return CompletableFuture.completedFuture(CommandReply.of(""));
            }

            @Override
            public List<String> complete(String option, String prefix) {
                return List.of("hn-hiring", "hn-fixed");
            }
        };
        assertThat(router(Admins.NONE, c).complete("x", "source", "hn")).containsExactly("hn-fixed", "hn-hiring");
        assertThat(router(Admins.NONE, c).complete("unknown", "source", "")).isEmpty();
    }

    @Test
    void theFirstOfTwoCommandsWithOneNameWins() {
        CommandRouter r = router(Admins.NONE, command(new CommandSpec("help", "h", List.of(), false), "host"), command(new CommandSpec("help", "h2", List.of(), false), "plugin"));
        assertThat(r.dispatch(call("help", Map.of(), "1")).join().text()).isEqualTo("host");
    }

    static BotCommand command(CommandSpec spec, String answer) {
        return new BotCommand() {
            @Override
            public CommandSpec spec() {
                return spec;
            }

            @Override
            public CompletableFuture<CommandReply> handle(CommandCall call) {
                return CompletableFuture.completedFuture(CommandReply.of(answer));
            }
        };
    }
}
