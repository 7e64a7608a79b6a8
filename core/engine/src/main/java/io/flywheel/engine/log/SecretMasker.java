package io.flywheel.engine.log;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * Masks secrets in anything logged: Discord bot tokens and webhook URLs by shape, and the values
 * of environment variables whose names say they are secret. Logback creates its converters
 * itself, so the registry of values is process-wide; the CLI fills it once at startup.
 */
public final class SecretMasker {
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|WEBHOOK|PRIVATE).*");
    private static final Pattern WEBHOOK = Pattern.compile("(https?://(?:[\\w-]+\\.)?discord(?:app)?\\.com/api/(?:v\\d+/)?webhooks/)(\\d+)/([\\w-]+)");
    private static final Pattern TOKEN = Pattern.compile("[MNO][A-Za-z\\d_-]{23,27}\\.[A-Za-z\\d_-]{6}\\.[A-Za-z\\d_-]{27,}");
    private static final int MIN_LENGTH = 6;
    private static final List<String> VALUES = new CopyOnWriteArrayList<>();

    private SecretMasker() {}

    /** Registers the values of secret-looking variables in {@code env}. */
    public static void registerSecretsFrom(Map<String, String> env) {
        env.forEach((name, value) -> {
            if (SECRET_NAME.matcher(name).matches()) {
                register(value);
            }
        });
    }

    public static void register(String secret) {
        if (secret != null && secret.length() >= MIN_LENGTH && !VALUES.contains(secret)) {
            VALUES.add(secret);
            VALUES.sort(Comparator.comparingInt(String::length).reversed());
        }
    }

    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String v : VALUES) {
            if (out.contains(v)) {
                out = out.replace(v, "****");
            }
        }
        out = WEBHOOK.matcher(out).replaceAll("$1$2/****");
        out = TOKEN.matcher(out).replaceAll("****");
        return out;
    }
}
