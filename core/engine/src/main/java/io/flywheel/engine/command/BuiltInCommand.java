package io.flywheel.engine.command;

import io.flywheel.api.command.BotCommand;
import io.flywheel.api.command.CommandSpec;

/** A command the host itself provides; holds its spec. */
abstract class BuiltInCommand implements BotCommand {
    private final CommandSpec spec;

    BuiltInCommand(CommandSpec spec) {
        this.spec = spec;
    }

    @Override
    public final CommandSpec spec() {
        return spec;
    }
}
