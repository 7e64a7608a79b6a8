/*
 * keyword-weights.js: how Flywheel learns keyword weights from what people do with posted leads.
 * Edit freely; a running Flywheel reloads this file when it changes, after replaying the new
 * version on the recorded feedback (it must run within the limits and return valid weights, or
 * the old version stays and `flywheel status` says why). Try a change first with
 * `flywheel rules test scripts/keyword-weights.js`.
 *
 * CONTRACT
 *   function updateKeywordWeights(stats, current) -> { keyword: weight, ... }
 *
 *   stats.keywords[kw]  the feedback on leads with this keyword, one entry per time window,
 *                       oldest first: { found, posts, engagements, conversions, rejections }
 *                         found        leads stored
 *                         posts        posts made (one per output a lead went to)
 *                         engagements  positive reactions: interested, applied, won
 *                         conversions  applied or won
 *                         rejections   marked not relevant
 *   stats.windows       number of windows (rules.windows in config.yml)
 *   stats.windowHours   hours per window (rules.window)
 *   stats.end           end of the newest window, milliseconds since 1970
 *   stats.seed          a random seed for this update. Use it rather than Math.random(): the
 *                       same inputs then give the same weights, so a run can be replayed.
 *   current             the weights in force, { keyword: weight }
 *
 *   Return weights for any of the configured keywords; a keyword left out keeps its weight.
 *   Each must be a finite number >= 0, names must be configured keywords, and not every weight
 *   may be zero. Otherwise the whole result is rejected with the offending entries named, and
 *   the weights in force stay. Each applied set is stored with this file's SHA-256.
 *   A call must finish within rules.time-limit (200 ms by default); no files, network or Java.
 *
 * DEFAULT: a Bayesian bandit (Beta posteriors, decay, Thompson sampling) that watches for change
 *   Each keyword's engagement rate has a Beta posterior; the prior is centred on the pooled rate
 *   of all keywords with PRIOR_STRENGTH pseudo-posts, so a keyword with little evidence starts
 *   at the average. Evidence decays by DECAY per window of age (a window's posts count
 *   DECAY^age), so slow drift fades out. A sudden change is found by change detection: the rule
 *   weighs "the audience changed at the start of window j" against "no change in view" for every
 *   j (Bayes factors of Beta-binomial marginal likelihoods of all keywords, before and after j,
 *   with a prior HAZARD per window), draws one answer from that posterior with the seed, and
 *   uses only the evidence after it: everything before a change is dropped for every keyword, and
 *   keywords the policy had stopped posting go back to the pooled prior, above the keywords seen
 *   failing, so they are tried again.
 *   The new weight is proportional to each keyword's rate, scaled so the mean weight of the
 *   keywords with evidence stays what it was (scores keep their scale). The rate is the
 *   posterior mean while no change is in view, and a Thompson sample from the posterior while
 *   one is (THOMPSON): right after a change the rule explores, drawing wide for the keywords it
 *   knows little about; with a steady audience it exploits, and the posts of posting.explore
 *   (config.yml) keep every keyword's evidence alive. Thompson draws all the time (this rule's
 *   first default, with DECAY 0.8) kept the top keywords trading places, each draw holding for a
 *   whole update interval: 0.24 of uniform weights' regret instead of 0.10 (docs/BENCHMARKS.md).
 *   Then: no weight moves more than MAX_STEP x the mean weight in one update, and none goes
 *   below FLOOR x the mean weight, so no keyword is starved of posts and can come back; the
 *   targets are scaled so that after these clamps the mean weight is still what it was.
 *   Keywords with no posts at all in the windows keep their weight: there is nothing to learn.
 *
 * TRADE-OFFS (figures: docs/BENCHMARKS.md, Learning)
 *   HAZARD higher: smaller or slower changes are believed sooner, but a stable audience now and
 *     then has its evidence dropped by chance (0.003 and 0.03 were no better than 0.01).
 *   DECAY lower: follows slow drift faster, at the cost of the precision that keeps the top
 *     keywords in order (0.8 left about 5 windows' worth of 14; 1 and 0.97 measured the same).
 *   THOMPSON 0: posterior means even after a change; measured the same on 40 simulated seeds.
 *   A change is one for the whole audience: when a single keyword turns, every keyword relearns.
 *   Known weakness: a keyword that meets a few unlucky posts right after a change can rank low
 *     until the change leaves the view (rules.windows); on about a quarter of simulated seeds the
 *     recovery after a drift takes longer than 1,000 rounds. Optimism or a wider prior were tried
 *     against it: they cost more than they saved.
 */

const DECAY = 0.97;            // evidence weight per window of age: slow drift fades out; sudden change is change detection's job
const CONVERSION_BONUS = 2;    // a conversion counts as this many extra engagements
const PRIOR_STRENGTH = 4;      // pseudo-posts in the prior
const MIN_EVIDENCE = 0.5;      // (decayed) posts below this: no evidence, keep the weight
const HAZARD = 0.01;           // prior probability that the audience changed in any one window
const THOMPSON = 1;            // 1: while a change is in view, rates are drawn from their posteriors (Thompson sampling); 0: posterior means
const MAX_STEP = 0.25;         // most a weight moves per update, as a fraction of the mean weight
const FLOOR = 0.1;             // least weight, as a fraction of the mean weight

function updateKeywordWeights(stats, current) {
  const random = mulberry32(stats.seed);
  // The keywords with evidence, and for each its windows newest first (index = age, 0 the newest):
  // decayed successes and failures.
  const keys = [], successes = [], failures = [];
  let windows = 0, pooledSuccess = 0, pooledTrials = 0;
  for (const kw of Object.keys(current)) {
    const list = stats.keywords[kw] || [];
    const n = list.length;
    const s = new Float64Array(n), f = new Float64Array(n);
    let trials = 0, sumS = 0, sumF = 0, d = 1;
    for (let age = 0; age < n; age++, d *= DECAY) {
      const w = list[n - 1 - age];
      s[age] = d * (w.engagements + CONVERSION_BONUS * w.conversions);
      f[age] = d * (Math.max(0, w.posts - w.engagements) + w.rejections);
      sumS += s[age];
      sumF += f[age];
      trials += d * w.posts;
    }
    if (trials >= MIN_EVIDENCE) {
      keys.push(kw);
      successes.push(s);
      failures.push(f);
      windows = Math.max(windows, n);
      pooledSuccess += sumS;
      pooledTrials += sumS + sumF;
    }
  }
  const n = keys.length;
  if (n === 0) return current;

  const pooled = (pooledSuccess + 1) / (pooledTrials + 2);
  const a0 = PRIOR_STRENGTH * pooled, b0 = PRIOR_STRENGTH * (1 - pooled);
  const since = sampleChange(random, successes, failures, windows, a0, b0);
  let meanWeight = 0, meanRate = 0;
  const rate = new Float64Array(n), weight = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const s = successes[k], f = failures[k];
    let sumS = 0, sumF = 0;
    for (let age = 0; age < Math.min(since, s.length); age++) {
      sumS += s[age];
      sumF += f[age];
    }
    rate[k] = THOMPSON && since < windows ? sampleBeta(random, a0 + sumS, b0 + sumF) : (a0 + sumS) / (a0 + b0 + sumS + sumF);
    weight[k] = current[keys[k]];
    meanRate += rate[k] / n;
    meanWeight += weight[k] / n;
  }
  if (meanWeight <= 0) meanWeight = 1;
  // The cap and the floor are asymmetric (a keyword far ahead is held back more than the rest fall),
  // so clamping the targets as they are would lower the mean weight a little at every update and the
  // keyword part of a score would fade against recency and source priors. Scale the targets by the
  // factor that keeps the mean weight where it was after the clamps (found by bisection).
  const clamped = (k, scale) => {
    const target = meanRate > 0 ? scale * meanWeight * rate[k] / meanRate : weight[k];
    const step = Math.max(-MAX_STEP * meanWeight, Math.min(MAX_STEP * meanWeight, target - weight[k]));
    return Math.max(FLOOR * meanWeight, weight[k] + step);
  };
  const meanAfter = (scale) => {
    let mean = 0;
    for (let k = 0; k < n; k++) mean += clamped(k, scale) / n;
    return mean;
  };
  let low = 0, high = 1;
  while (meanAfter(high) < meanWeight && high < 1e6) high *= 2;
  let scale = high;
  if (meanAfter(low) >= meanWeight) {
    scale = low;
  } else {
    for (let i = 0; i < 60 && high - low > 1e-12 * high; i++) {
      const mid = (low + high) / 2;
      if (meanAfter(mid) < meanWeight) low = mid; else high = mid;
    }
    scale = high;
  }
  const next = {};
  for (let k = 0; k < n; k++) next[keys[k]] = clamped(k, scale);
  return next;
}

/*
 * How many of the newest windows to learn from: `windows` (all of them) when the draw says the
 * audience did not change in view, else c when it changed at the start of the window of age c - 1.
 * The draw is from the posterior over c = 1 .. windows - 1 and "no change": each keyword's windows
 * before and after c get their own rate (each Beta(a0, b0) a priori) against one rate for all.
 * This is the rule's main cost: keywords x windows x 6 logGamma calls.
 */
function sampleChange(random, successes, failures, windows, a0, b0) {
  // Prior: each window boundary a change with probability HAZARD, the newest one counting (the
  // newest c windows after a change: HAZARD (1 - HAZARD)^(c - 1); none in view: (1 - HAZARD)^(windows - 1)).
  // It sums to 1 for any number of windows.
  const logPost = new Float64Array(windows);
  logPost[0] = (windows - 1) * Math.log1p(-HAZARD);
  for (let c = 1; c < windows; c++) logPost[c] = Math.log(HAZARD) + (c - 1) * Math.log1p(-HAZARD);
  const prior = logBeta(a0, b0);
  for (let k = 0; k < successes.length; k++) {
    const s = successes[k], f = failures[k];
    let sumS = 0, sumF = 0;
    for (let age = 0; age < s.length; age++) {
      sumS += s[age];
      sumF += f[age];
    }
    const together = logBeta(a0 + sumS, b0 + sumF);
    // A change before this keyword's oldest window splits nothing off: its Bayes factor is 1.
    let newS = 0, newF = 0;
    for (let c = 1; c < Math.min(windows, s.length); c++) {
      newS += s[c - 1];
      newF += f[c - 1];
      logPost[c] += logBeta(a0 + newS, b0 + newF) + logBeta(a0 + sumS - newS, b0 + sumF - newF) - prior - together;
    }
  }
  let max = -Infinity;
  for (let c = 0; c < windows; c++) max = Math.max(max, logPost[c]);
  const p = new Float64Array(windows);
  let total = 0;
  for (let c = 0; c < windows; c++) {
    p[c] = Math.exp(logPost[c] - max);
    total += p[c];
  }
  let u = random() * total;
  for (let c = 1; c < windows; c++) {
    u -= p[c];
    if (u < 0) return c;
  }
  return windows;
}

/* Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
function sampleBeta(random, a, b) {
  const x = sampleGamma(random, a), y = sampleGamma(random, b);
  return x + y > 0 ? x / (x + y) : 0.5;
}

/* Marsaglia and Tsang's method; shapes below 1 via Gamma(a + 1) * U^(1/a). */
function sampleGamma(random, shape) {
  if (shape < 1) return sampleGamma(random, shape + 1) * Math.pow(random(), 1 / shape);
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x, v;
    do {
      x = sampleNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

function sampleNormal(random) {
  const u = 1 - random(), v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/* ln B(a, b) = ln Γ(a) + ln Γ(b) - ln Γ(a + b). */
function logBeta(a, b) {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/* ln Γ(x) for x > 0 (Lanczos, g = 7; about 15 digits). */
const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
function logGamma(x) {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return HALF_LOG_2PI + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/* A small seeded generator of uniform numbers in [0, 1). */
function mulberry32(seed) {
  let t = (seed % 4294967296) >>> 0;
  return function () {
    t = (t + 0x6D2B79F5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), t | 1);
    r ^= r + Math.imul(r ^ (r >>> 7), r | 61);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}
