package io.flywheel.discord;

/**
 * Discord's message limits (API v10, from its OpenAPI description and message docs). Packing and
 * rendering take them as a value so tests can shrink them and brute-force the optimum.
 *
 * @param content characters of message content
 * @param embedsPerMessage embeds in one message
 * @param embedTotal characters across all embeds of one message (title, description, field names
 *     and values, footer text, author name)
 * @param title embed title
 * @param description embed description
 * @param fields fields in one embed
 * @param fieldName field name
 * @param fieldValue field value
 * @param footer footer text
 */
public record DiscordLimits(int content, int embedsPerMessage, int embedTotal, int title, int description, int fields, int fieldName,
        int fieldValue, int footer) {

    public static final DiscordLimits DISCORD = new DiscordLimits(2000, 10, 6000, 256, 4096, 25, 256, 1024, 2048);

    public DiscordLimits {
        if (content < 1 || embedsPerMessage < 1 || embedTotal < 1 || title < 1 || description < 1 || fields < 0 || fieldName < 1 || fieldValue < 1 || footer < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
