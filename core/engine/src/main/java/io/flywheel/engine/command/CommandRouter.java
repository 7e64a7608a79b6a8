package io.flywheel.engine.command;

import io.flywheel.api.command.BotCommand;
import io.flywheel.api.command.CommandCall;
import io.flywheel.api.command.CommandDispatcher;
import io.flywheel.api.command.CommandProgress;
import io.flywheel.api.command.CommandReply;
import io.flywheel.api.command.CommandSpec;
import io.flywheel.engine.feedback.FeedbackEvent;
import io.flywheel.engine.feedback.FeedbackLog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes command calls from any adapter to the command that handles them, after checking
 * required options and admin permission. Every call that needs an admin, allowed or refused, is
 * written to the feedback log as an {@link FeedbackEvent.Type#AUDIT} event. A failing command
 * answers with its error; it never takes the router down.
 */
public final class CommandRouter implements CommandDispatcher {
    private static final Logger log = LoggerFactory.getLogger(CommandRouter.class);
    static final int MAX_SUGGESTIONS = 25;

    private final Map<String, BotCommand> commands = new LinkedHashMap<>();
    private final Admins admins;
    private final FeedbackLog audit;
    private final Clock clock;

    /**
     * @param commands the host's and the plugins' commands; the first of two with one name wins
     * @param audit where admin actions are recorded
     */
    public CommandRouter(List<BotCommand> commands, Admins admins, FeedbackLog audit, Clock clock) {
        for (BotCommand c : commands) {
            BotCommand previous = this.commands.putIfAbsent(c.spec().name(), c);
            if (previous != null) {
                log.warn("Command /{} is defined twice; keeping the first ({})", c.spec().name(), previous.getClass().getName());
            }
        }
        this.admins = admins;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public List<CommandSpec> specs() {
        return commands.values().stream().map(BotCommand::spec).toList();
    }

    @Override
    public CompletableFuture<CommandReply> dispatch(CommandCall call) {
        return dispatch(call, CommandProgress.NONE);
    }

    @Override
    public CompletableFuture<CommandReply> dispatch(CommandCall call, CommandProgress progress) {
        BotCommand command = commands.get(call.command());
        if (command == null) {
            return done(CommandReply.privately("Unknown command /" + call.command() + ". Try /help."));
        }
        CommandSpec spec = command.spec();
        for (CommandSpec.Option o : spec.options()) {
            String value = call.options().get(o.name());
            if (o.required() && (value == null || value.isBlank())) {
                return done(CommandReply.privately("/" + spec.name() + " needs the option '" + o.name() + "': " + o.description()));
            }
            if (value != null && !value.isBlank() && !o.choices().isEmpty() && !o.choices().contains(value)) {
                return done(CommandReply.privately("/" + spec.name() + ": '" + value + "' is not a valid " + o.name() + "; choose one of " + String.join(", ", o.choices())));
            }
            String typeProblem = typeProblem(o, value);
            if (typeProblem != null) {
                return done(CommandReply.privately("/" + spec.name() + ": " + typeProblem));
            }
        }
        boolean needsAdmin;
        try {
            needsAdmin = command.requiresAdmin(call);
        } catch (RuntimeException e) {
            return done(failed(spec, e));
        }
        if (needsAdmin && !admins.allows(call)) {
            audit(call, "refused: not an admin");
            String why = admins.isEmpty()
                    ? " No admins are configured: set commands.admin-users or commands.admin-roles in config.yml."
                    : " Ask someone with an admin role.";
            return done(CommandReply.privately("/" + spec.name() + describeOptions(call) + " is for admins only." + why));
        }
        CompletableFuture<CommandReply> reply;
        try {
            reply = command.handle(call, progress == null ? CommandProgress.NONE : progress);
            if (reply == null) {
                throw new IllegalStateException("the command returned no reply");
            }
            reply = reply.exceptionally(e -> failed(spec, e));
        } catch (RuntimeException e) {
            reply = done(failed(spec, e));
        }
        if (needsAdmin) {
            reply = reply.thenApply(r -> {
                audit(call, "ran: " + firstLine(r.text()));
                return r;
            });
        }
        return reply;
    }

    @Override
    public List<String> complete(String commandName, String option, String prefix) {
        BotCommand command = commands.get(commandName);
        if (command == null) {
            return List.of();
        }
        String p = prefix == null ? "" : prefix.toLowerCase(Locale.ROOT);
        LinkedHashSet<String> out = new LinkedHashSet<>();
        command.spec().options().stream().filter(o -> o.name().equals(option)).flatMap(o -> o.choices().stream())
                .filter(c -> c.toLowerCase(Locale.ROOT).startsWith(p)).forEach(out::add);
        try {
            List<String> dynamic = command.complete(option, prefix == null ? "" : prefix);
            if (dynamic != null) {
                out.addAll(dynamic);
            }
        } catch (RuntimeException e) {
            log.debug("/{} could not complete {}: {}", commandName, option, e.toString());
        }
        return out.stream().limit(MAX_SUGGESTIONS).toList();
    }

    private void audit(CommandCall call, String outcome) {
        String line = "/" + call.command() + describeOptions(call) + " in channel " + call.channelId() + ": " + outcome;
        try {
            audit.append(List.of(new FeedbackEvent(clock.instant(), FeedbackEvent.Type.AUDIT, "/" + call.command(), null, null, List.of(),
                    call.userId(), 0, Map.of(), line)));
        } catch (RuntimeException e) {
            log.error("Could not write the audit entry for {} by {}: {}", line, call.userId(), e.toString());
        }
        log.info("Admin command by {}: {}", call.userId(), line);
    }

    private static String describeOptions(CommandCall call) {
        if (call.options().isEmpty()) {
            return "";
        }
        return call.options().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> " " + e.getKey() + ":" + e.getValue()).collect(Collectors.joining());
    }

    private static String typeProblem(CommandSpec.Option o, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            switch (o.type()) {
                case INTEGER -> Long.parseLong(value.strip());
                case NUMBER -> {
                    if (!Double.isFinite(Double.parseDouble(value.strip()))) throw new NumberFormatException();
                }
                case BOOLEAN -> {
                    if (!value.strip().equalsIgnoreCase("true") && !value.strip().equalsIgnoreCase("false")) {
                        return "'" + o.name() + "' must be true or false, found '" + value + "'";
                    }
                }
                case STRING -> { }
            }
            return null;
        } catch (NumberFormatException e) {
            return "'" + o.name() + "' must be " + (o.type() == CommandSpec.Type.INTEGER ? "a whole number" : "a number") + ", found '" + value + "'";
        }
    }

    private static String firstLine(String text) {
        String line = text.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    private static CompletableFuture<CommandReply> done(CommandReply reply) {
        return CompletableFuture.completedFuture(reply);
    }

    private static CommandReply failed(CommandSpec spec, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        log.warn("/{} failed: {}", spec.name(), cause.toString());
        return CommandReply.privately("/" + spec.name() + " failed: " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()));
    }

    /** Names of every command, for tests and /help. */
    List<String> names() {
        return new ArrayList<>(commands.keySet());
    }
}
