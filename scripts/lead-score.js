/*
 * lead-score.js: how Flywheel scores a lead. Edit freely; a running Flywheel reloads this file
 * when it changes (after checking the new version on recent leads), and `flywheel rules test
 * scripts/lead-score.js` shows what a change would do before you save it here.
 *
 * CONTRACT
 *   function scoreBatch(batch) -> one number per lead, in the batch's order (an array or a
 *                                 Float64Array of batch.size numbers)
 *
 *   batch   up to rules.batch-size leads (250 by default) per call, one column per field: lead i
 *           is entry i of each column. Columns are arrays of numbers, new for each call (reading
 *           them is as fast as reading JavaScript's own arrays; array methods such as map work).
 *           Keywords, sources and platforms are numbered; the number is the position of the name
 *           in batch.keywords, batch.sources, batch.platforms.
 *     size            the number of leads
 *     keywords        keyword names, lower case; "keyword k" below is keywords[k]
 *     weights         weights[k] is the weight in force for keyword k (0 for a keyword the
 *                     weights lack). They start from `keywords:` in config.yml and
 *                     keyword-weights.js updates them from engagement.
 *     matchStart      size + 1 entries: the keywords lead i mentions (in its title or body)
 *                     are the matches at positions matchStart[i] up to matchStart[i + 1] - 1 of
 *     matchKeyword    the keyword k of each match
 *     matchInTitle    1 when that keyword is in the title too, else 0
 *     ageHours        hours since the lead was published (or found, if it has no date)
 *     published       milliseconds since 1970, NaN when unknown
 *     sources, source     source ids (e.g. "hn-hiring"); source[i] is lead i's, as a position in sources
 *     platforms, platform the platform posted on (e.g. "hackernews"), the same way
 *     lead(i)         lead i as one object, for rules that read text: keywords and inTitle (arrays,
 *                     one entry per match), source, platform, ageHours, published (or null), and
 *                     title, body, company, location, compensation, url, key (null when unknown;
 *                     body is "" when unknown). Text is fetched only when read: columns are faster.
 *
 *   Higher scores are posted first. Every score must be a finite number, otherwise the batch is
 *   rejected, the reason is logged, and the batch is scored by Flywheel's built-in scorer (the
 *   default below, written in Java). A call must finish within rules.time-limit (200 ms by
 *   default) and rules.statement-limit. The script cannot reach files, the network, Java classes
 *   or the process; console.log() goes to Flywheel's log (20 lines per call at most).
 *   Keep `scoreBatch` a top-level function declaration. Top-level state may be reset at any reload.
 *
 *   The first contract is still accepted instead (define one of the two, not both):
 *   function score(leads, weights) -> array of numbers, one per lead; leads is an array of
 *   batch.lead(i) objects and weights a read-only { keyword: weight } object. It is simpler to
 *   write, but building an object per lead makes it about 2.5 times slower (docs/BENCHMARKS.md).
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

function scoreBatch(batch) {
  const { size, weights, matchStart, matchKeyword, matchInTitle, ageHours, source } = batch;
  const prior = batch.sources.map(id => SOURCE_PRIOR[id] || 0);
  const scores = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    let s = 0;
    for (let m = matchStart[i]; m < matchStart[i + 1]; m++) {
      const w = weights[matchKeyword[m]];
      s += matchInTitle[m] ? TITLE_FACTOR * w : w;
    }
    s += RECENCY_BONUS * Math.exp(-RECENCY_RATE * ageHours[i]);
    s += prior[source[i]];
    scores[i] = s;
  }
  return scores;
}
