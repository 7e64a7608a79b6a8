package io.flywheel.bench.rules;

import io.flywheel.api.lead.Lead;
import io.flywheel.engine.rules.CompiledScript;
import io.flywheel.engine.rules.JsLeadScorer;
import io.flywheel.engine.rules.JsRuntime;
import io.flywheel.engine.rules.RuleKind;
import io.flywheel.engine.rules.RuleLimits;
import io.flywheel.engine.rules.ScriptSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;

/** A child process: start the JavaScript runtime, load the bundled lead-score.js, score one lead, say so. */
public final class FirstScore {
    private FirstScore() {}

    public static void main(String[] args) {
        List<Lead> one = Leads.generate(Path.of(System.getProperty("flywheel.repo", ".")), 1, 3);
        try (JsRuntime runtime = JsRuntime.start();
                CompiledScript script = runtime.compile(ScriptSource.bundled(RuleKind.LEAD_SCORE), RuleKind.LEAD_SCORE, RuleLimits.DEFAULT)) {
            double[] s = JsLeadScorer.strict(script, Clock.fixed(Leads.NOW, ZoneOffset.UTC)).score(one, Leads.weights());
            System.out.println("SCORED " + s[0] + " " + runtime.describe());
            System.out.flush();
        }
    }
}
