package io.flywheel.engine.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretMaskerTest {
    @Test
    void masksWebhookUrlsTokensAndSecretEnvironmentValues() {
        SecretMasker.registerSecretsFrom(Map.of("MY_API_KEY", "sk-live-1234567890", "GUILD_ID", "1234567890", "SHORT_TOKEN", "abc"));
        String masked = SecretMasker.mask("posting to https://discord.com/api/webhooks/112233/aBcD-eFg_hIj with key sk-live-1234567890, "
                + "token MTA4NzY1NDMyMTA5ODc2NTQzMg.GaBcDe.abcdefghijklmnopqrstuvwxyz123456 in guild 1234567890 (abc)");
        assertThat(masked)
                .contains("https://discord.com/api/webhooks/112233/****")
                .doesNotContain("aBcD-eFg_hIj")
                .doesNotContain("sk-live-1234567890")
                .doesNotContain("MTA4NzY1NDMyMTA5ODc2NTQzMg")
                .contains("guild 1234567890")
                .contains("(abc)");
    }

    @Test
    void leavesOrdinaryTextAlone() {
        assertThat(SecretMasker.mask("hn-hiring: 9 found, 4 new")).isEqualTo("hn-hiring: 9 found, 4 new");
        assertThat(SecretMasker.mask(null)).isNull();
    }
}
