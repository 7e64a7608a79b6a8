package io.flywheel.engine.output;

import io.flywheel.api.PluginContext;
import io.flywheel.api.output.Delivery;
import io.flywheel.api.output.Output;
import io.flywheel.api.output.OutputFactory;
import io.flywheel.api.output.Post;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** The built-in {@code console} output: one readable block per post on standard output. */
public final class ConsoleOutputFactory implements OutputFactory<ConsoleOutputFactory.Config> {
    private final PrintStream out;

    /**
     * @param bodyChars how much of each post's body to show (0: none)
     * @param color ANSI colors (default: on when a terminal is attached)
     */
    public record Config(Integer bodyChars, Boolean color) {
        public Config {
            bodyChars = bodyChars == null ? 160 : bodyChars;
            if (bodyChars < 0) throw new IllegalArgumentException("body-chars: must be 0 or more, found " + bodyChars);
            color = color == null ? System.console() != null && System.console().isTerminal() : color;
        }
    }

    public ConsoleOutputFactory(PrintStream out) {
        this.out = out;
    }

    @Override
    public String type() {
        return "console";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public String description() {
        return "prints posts to standard output";
    }

    @Override
    public Output create(Config config, PluginContext context) {
        AtomicLong lines = new AtomicLong();
        String id = context.instanceId();
        return posts -> {
            StringBuilder b = new StringBuilder();
            List<Delivery> deliveries = new ArrayList<>(posts.size());
            for (Post p : posts) {
                format(p, config, b);
                deliveries.add(new Delivery(p.id(), id + ":" + lines.incrementAndGet()));
            }
            synchronized (out) {
                out.print(b);
                out.flush();
            }
            return CompletableFuture.completedFuture(deliveries);
        };
    }

    private static void format(Post p, Config config, StringBuilder b) {
        String bold = config.color() ? "\u001b[1m" : "";
        String dim = config.color() ? "\u001b[2m" : "";
        String reset = config.color() ? "\u001b[0m" : "";
        String score = p.fields().stream().filter(f -> f.name().equals("Score")).map(Post.Field::value).findFirst().orElse(null);
        String platform = p.fields().stream().filter(f -> f.name().equals("Platform")).map(Post.Field::value).findFirst().orElse(p.kind().name().toLowerCase(Locale.ROOT));
        b.append(String.format(Locale.ROOT, "%s%6s%s  %s[%s]%s %s%n", bold, score == null ? "" : score, reset, dim, platform, reset, p.title()));
        List<String> facts = new ArrayList<>();
        for (Post.Field f : p.fields()) {
            if (!f.name().equals("Score") && !f.name().equals("Platform")) {
                facts.add(f.name().toLowerCase(Locale.ROOT) + ": " + f.value());
            }
        }
        if (!facts.isEmpty()) {
            b.append("        ").append(dim).append(String.join(" · ", facts)).append(reset).append('\n');
        }
        if (p.url() != null) {
            b.append("        ").append(p.url()).append('\n');
        }
        if (config.bodyChars() > 0 && p.body() != null) {
            String body = p.body().replaceAll("\\s+", " ").strip();
            if (body.length() > config.bodyChars()) {
                int cut = body.lastIndexOf(' ', config.bodyChars());
                body = body.substring(0, cut > config.bodyChars() / 2 ? cut : config.bodyChars()) + " …";
            }
            b.append("        ").append(dim).append(body).append(reset).append('\n');
        }
    }
}
