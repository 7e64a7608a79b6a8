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
 * DEFAULT: a Bayesian bandit (Thompson sampling)
 *   Each keyword's engagement rate has a Beta posterior. Evidence decays by DECAY per window of
 *   age, so the weights follow drift: a window's posts count DECAY^age (age 0 is the newest).
 *   The prior is centred on the pooled rate of all keywords with PRIOR_STRENGTH pseudo-posts,
 *   so a keyword with little evidence is sampled widely (explored) around the average.
 *   A rate is sampled from each posterior; the new weight is proportional to it, scaled so the
 *   mean weight of the keywords with evidence stays what it was (scores keep their scale).
 *   Then: no weight moves more than MAX_STEP x the mean weight in one update, and none goes
 *   below FLOOR x the mean weight, so no keyword is starved of posts and can come back; the
 *   targets are scaled so that after these clamps the mean weight is still what it was.
 *   Keywords with no posts at all in the windows keep their weight: there is nothing to learn.
 */

const DECAY = 0.8;             // evidence weight per window of age: half-life about 3 windows
const CONVERSION_BONUS = 2;    // a conversion counts as this many extra engagements
const PRIOR_STRENGTH = 4;      // pseudo-posts in the prior
const MIN_EVIDENCE = 0.5;      // decayed posts below this: no evidence, keep the weight
const MAX_STEP = 0.25;         // most a weight moves per update, as a fraction of the mean weight
const FLOOR = 0.1;             // least weight, as a fraction of the mean weight

function updateKeywordWeights(stats, current) {
  const random = mulberry32(stats.seed);
  const evidence = {};
  let pooledSuccess = 0, pooledTrials = 0;
  for (const kw of Object.keys(current)) {
    const windows = stats.keywords[kw] || [];
    let success = 0, failure = 0, trials = 0;
    for (let i = 0; i < windows.length; i++) {
      const w = windows[i];
      const age = windows.length - 1 - i;
      const d = Math.pow(DECAY, age);
      const s = w.engagements + CONVERSION_BONUS * w.conversions;
      success += d * s;
      failure += d * (Math.max(0, w.posts - w.engagements) + w.rejections);
      trials += d * w.posts;
    }
    if (trials >= MIN_EVIDENCE) {
      evidence[kw] = { success, failure };
      pooledSuccess += success;
      pooledTrials += success + failure;
    }
  }
  const keys = Object.keys(evidence);
  if (keys.length === 0) return current;

  const pooled = (pooledSuccess + 1) / (pooledTrials + 2);
  const a0 = PRIOR_STRENGTH * pooled, b0 = PRIOR_STRENGTH * (1 - pooled);
  let meanWeight = 0, meanRate = 0;
  const rate = {};
  for (const kw of keys) {
    rate[kw] = sampleBeta(random, a0 + evidence[kw].success, b0 + evidence[kw].failure);
    meanRate += rate[kw] / keys.length;
    meanWeight += current[kw] / keys.length;
  }
  if (meanWeight <= 0) meanWeight = 1;
  // The cap and the floor are asymmetric (a keyword far ahead is held back more than the rest fall),
  // so clamping the targets as they are would lower the mean weight a little at every update and the
  // keyword part of a score would fade against recency and source priors. Scale the targets by the
  // factor that keeps the mean weight where it was after the clamps (found by bisection).
  const clamped = (scale) => {
    const next = {};
    let mean = 0;
    for (const kw of keys) {
      const target = meanRate > 0 ? scale * meanWeight * rate[kw] / meanRate : current[kw];
      const step = Math.max(-MAX_STEP * meanWeight, Math.min(MAX_STEP * meanWeight, target - current[kw]));
      next[kw] = Math.max(FLOOR * meanWeight, current[kw] + step);
      mean += next[kw] / keys.length;
    }
    return { next, mean };
  };
  let low = 0, high = 1;
  while (clamped(high).mean < meanWeight && high < 1e6) high *= 2;
  if (clamped(low).mean >= meanWeight) return clamped(low).next;
  for (let i = 0; i < 60 && high - low > 1e-12 * high; i++) {
    const mid = (low + high) / 2;
    if (clamped(mid).mean < meanWeight) low = mid; else high = mid;
  }
  return clamped(high).next;
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
