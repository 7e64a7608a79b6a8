/*
 * The bundled lead-score.js as it was before the columnar contract: score(leads, weights), one
 * object per lead. The rules benchmark runs it beside the current default to show what the
 * per-lead objects cost; Flywheel still accepts scripts written this way.
 *
 * CONTRACT
 *   function score(leads, weights) -> array of numbers, one per lead, in the same order
 *
 *   leads      a batch of leads (up to rules.batch-size, 250 by default, per call). Each lead has:
 *                keywords      configured keywords the title or body mentions, lower case
 *                inTitle       for each keyword (same order), true if the title mentions it
 *                source        the configured source id (e.g. "hn-hiring")
 *                platform      the platform it was posted on (e.g. "hackernews")
 *                ageHours      hours since it was published (or found, if it has no date)
 *                title, body, company, location, compensation, url, key
 *                              text fields (null when unknown; body is "" when unknown)
 *                published     milliseconds since 1970, or null
 *   weights    the keyword weights in force, { keyword: weight }; read-only. They start from
 *              `keywords:` in config.yml and keyword-weights.js updates them from engagement.
 *
 *   Higher scores are posted first. Every score must be a finite number, otherwise the batch is
 *   rejected, the reason is logged, and the batch is scored by Flywheel's built-in scorer (the
 *   default below, written in Java). A call must finish within rules.time-limit (200 ms by
 *   default) and rules.statement-limit. The script cannot reach files, the network, Java classes
 *   or the process; console.log() goes to Flywheel's log (20 lines per call at most).
 *   Keep `score` a top-level function declaration. Top-level state may be reset at any reload.
 *
 * DEFAULT
 *   the sum of the weights of the matched keywords, a keyword in the title counting
 *   TITLE_FACTOR times; plus a recency bonus that halves every RECENCY_HALF_LIFE_HOURS; plus a
 *   per-source prior for sources whose leads have been better (or worse) than their keywords say.
 */

const TITLE_FACTOR = 2;              // a keyword in the title counts twice
const RECENCY_BONUS = 1;             // added to a brand-new lead...
const RECENCY_HALF_LIFE_HOURS = 72;  // ...and half of it three days later
// e^(-rate * age) is 0.5^(age / half-life); Math.exp costs a fraction of Math.pow here (docs/BENCHMARKS.md)
const RECENCY_RATE = Math.LN2 / RECENCY_HALF_LIFE_HOURS;
const SOURCE_PRIOR = {               // added per source id; sources not listed get 0
  'hn-hiring': 0.5,
};

function score(leads, weights) {
  const scores = new Array(leads.length);
  for (let i = 0; i < leads.length; i++) {
    const lead = leads[i];
    const keywords = lead.keywords;
    let s = 0;
    for (let j = 0; j < keywords.length; j++) {
      const w = weights[keywords[j]] || 0;
      s += lead.inTitle[j] ? TITLE_FACTOR * w : w;
    }
    s += RECENCY_BONUS * Math.exp(-RECENCY_RATE * lead.ageHours);
    s += SOURCE_PRIOR[lead.source] || 0;
    scores[i] = s;
  }
  return scores;
}
