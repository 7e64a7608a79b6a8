package io.flywheel.plugins.discord;

import io.flywheel.api.PluginContext;
import io.flywheel.api.output.Output;
import io.flywheel.api.output.OutputFactory;
import io.flywheel.discord.Packer;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.pf4j.Extension;

/** The {@code discord} output: a bot that posts packed messages, takes commands and records engagement. */
@Extension
public final class DiscordOutputFactory implements OutputFactory<DiscordOutputFactory.Config> {

    /**
     * @param token the bot token (write {@code ${DISCORD_TOKEN}})
     * @param guild the server to register slash commands in (instant); empty registers them globally
     * @param channel the default channel id posts go to
     * @param channels channel id per platform or post kind ({@code lead}, {@code signal}, {@code notice}), overriding {@code channel}
     * @param mode {@code embeds} (default) or {@code text}
     * @param bodyChars how much of each post's body to show (default 280)
     * @param buttons Interested / Applied / Won / Not relevant buttons on lead posts (default on)
     * @param reactions read reactions on lead posts as engagement (default on)
     * @param prefix a prefix such as {@code !} for text commands; needs the privileged message content intent (default off)
     * @param deferAfter a command still running after this gets a deferred reply (Discord allows 3 s; default 2 s)
     * @param apiUrl Discord's REST base URL (default {@code https://discord.com/api/v10/}; for a proxy or a test server)
     * @param gatewayUrl the gateway URL (default: the one Discord names; for a proxy or a test server)
     */
    public record Config(String token, String guild, String channel, Map<String, String> channels, Packer.Mode mode, Integer bodyChars,
            Boolean buttons, Boolean reactions, String prefix, Duration deferAfter, URI apiUrl, URI gatewayUrl) {
        public Config {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("token: required (write token: ${DISCORD_TOKEN} and set DISCORD_TOKEN in .env)");
            }
            guild = guild == null ? "" : guild.strip();
            if (!guild.isEmpty() && !guild.matches("\\d{1,20}")) {
                throw new IllegalArgumentException("guild: a Discord server id is digits, found '" + guild + "'");
            }
            if (channel == null || !channel.strip().matches("\\d{1,20}")) {
                throw new IllegalArgumentException("channel: the id (digits) of the channel posts go to is required, found '" + channel + "'");
            }
            channel = channel.strip();
            channels = channels == null ? Map.of() : Map.copyOf(channels);
            channels.forEach((k, v) -> {
                if (!v.strip().matches("\\d{1,20}")) {
                    throw new IllegalArgumentException("channels." + k + ": a channel id is digits, found '" + v + "'");
                }
            });
            mode = mode == null ? Packer.Mode.EMBEDS : mode;
            bodyChars = bodyChars == null ? 280 : bodyChars;
            if (bodyChars < 0 || bodyChars > 4096) {
                throw new IllegalArgumentException("body-chars: must be 0-4096, found " + bodyChars);
            }
            buttons = buttons == null || buttons;
            reactions = reactions == null || reactions;
            prefix = prefix == null ? "" : prefix.strip();
            if (prefix.length() > 5) {
                throw new IllegalArgumentException("prefix: at most 5 characters, found '" + prefix + "'");
            }
            deferAfter = deferAfter == null ? Duration.ofSeconds(2) : deferAfter;
            if (deferAfter.isNegative() || deferAfter.compareTo(Duration.ofMillis(2500)) > 0) {
                throw new IllegalArgumentException("defer-after: must be 0-2.5s (Discord drops interactions not answered within 3 s), found " + deferAfter);
            }
        }
    }

    @Override
    public String type() {
        return "discord";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public String description() {
        return "Discord bot: packed posts with engagement buttons, slash commands, reactions";
    }

    @Override
    public Output create(Config config, PluginContext context) {
        DiscordBot bot = new DiscordBot(config, context);
        bot.start();
        return bot;
    }
}
