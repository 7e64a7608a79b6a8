package io.flywheel.engine.cli;

import io.flywheel.engine.config.ConfigException;
import io.flywheel.engine.config.ConfigLoader;
import io.flywheel.engine.config.FlywheelConfig;
import io.flywheel.engine.config.Problem;
import io.flywheel.engine.store.MapDbStore;
import java.util.List;

/** For commands that read the store without starting anything: the config and the store it names. */
final class Deployment {
    private Deployment() {}

    /** The config, or a {@link ConfigException} listing its errors. */
    static FlywheelConfig config(FlywheelCli cli) {
        ConfigLoader.Result r = new ConfigLoader().load(cli.configFile(), cli.io().env());
        List<Problem> errors = r.problems().all().stream().filter(Problem::isError).toList();
        if (!errors.isEmpty() || r.config().isEmpty()) {
            throw new ConfigException(errors);
        }
        return r.config().get();
    }

    static MapDbStore openStore(FlywheelCli cli) {
        return cli.openStore(config(cli));
    }
}
