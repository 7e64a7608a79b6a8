/*
 * keyword-rule-harness.js: a fast re-implementation of the keywords scenario of `flywheel simulate`
 * (KeywordSimulation), for comparing variants of scripts/keyword-weights.js over many seeds in
 * seconds. A diagnostic only: it is NOT the real pipeline (no store, no lead-score.js, its own
 * random streams), so its figures are distributions, not the measurement; `flywheel simulate` and
 * `bench/run learning` are. What it copies: 10 keywords at 0.30 .. 0.04, 10 candidates a round with
 * one keyword each drawn uniformly, one post a round to the highest weight (ties to the earlier
 * candidate, as lead-score.js scores single-keyword leads that arrived together), or with
 * probability `explore` to a random candidate, engagement drawn from the hidden probability,
 * windows of `windowH` rounds ending at the update (half a round after the posting), an update every
 * `every` rounds, regret and recovery defined as in RegretSummary.
 *
 *   node bench/tools/keyword-rule-harness.js scripts/keyword-weights.js '{"HAZARD":0.003}' 40
 *
 * runs seeds 1..40 of the stationary and the drift scenario (10,000 rounds) with the rule's
 * top-level constants overridden as given, and prints the stationary ratio (mean, 90th
 * percentile, seeds above 0.15) and the drift recovery (mean, max, seeds above 1,000 rounds).
 */
const fs = require('fs');
const vm = require('vm');
function loadRule(file, overrides) {
  let src = fs.readFileSync(file, 'utf8');
  for (const [k, v] of Object.entries(overrides || {})) {
    const re = new RegExp('const ' + k + ' = [^;]+;');
    if (!re.test(src)) throw new Error('no const ' + k);
    src = src.replace(re, 'const ' + k + ' = ' + JSON.stringify(v) + ';');
  }
  const ctx = {Math, Object, Float64Array, Array, JSON, Number, isFinite};
  vm.createContext(ctx);
  vm.runInContext(src + '\n;this.__f = updateKeywordWeights;', ctx);
  ctx.__f.ctx = ctx; return ctx.__f;
}
function rng(seed) { let t = seed >>> 0; return () => { t = (t + 0x6D2B79F5) >>> 0; let r = Math.imul(t ^ (t >>> 15), t | 1); r ^= r + Math.imul(r ^ (r >>> 7), r | 61); return ((r ^ (r >>> 14)) >>> 0) / 4294967296; }; }
const KW = ["rust","kotlin","scala","elixir","haskell","golang","python","typescript","clojure","swift"];
const RATES = [0.30,0.26,0.22,0.19,0.16,0.13,0.10,0.08,0.06,0.04];
function run(rule, opt) {
  const rounds = opt.rounds, drift = opt.drift ? Math.floor(rounds / 2) : (opt.driftAt || Infinity);
  const C = opt.candidates || 10, every = opt.every || 48, winH = opt.windowH || 96, W = opt.windows || 14, explore = opt.explore ?? 0.05;
  const R = rng(opt.seed * 7919 + 13), A = rng(opt.seed * 104729 + 7), P = rng(opt.seed * 1299709 + 3), S = rng(opt.seed * 15485863 + 11);
  const oracleW = opt.oracle; // function(round)->weights array or null
  const n = KW.length;
  let weights = {}; KW.forEach(k => weights[k] = 1.0);
  const events = []; // {t, k, e}
  const regret = new Float64Array(rounds), uni = new Float64Array(rounds);
  const p = (r, k) => (r < drift ? RATES[k] : RATES[n - 1 - k]);
  for (let r = 0; r < rounds; r++) {
    const cands = []; let best = 0, mean = 0;
    for (let i = 0; i < C; i++) { const k = Math.floor(R() * n); cands.push(k); const q = p(r, k); best = Math.max(best, q); mean += q / C; }
    const w = oracleW ? oracleW(r) : KW.map(k => weights[k]);
    let pick;
    // sort best first, ties to input order
    const order = cands.map((k, i) => i).sort((a, b) => w[cands[b]] !== w[cands[a]] ? w[cands[b]] - w[cands[a]] : a - b);
    pick = order[0];
    if (explore > 0 && P() < explore) pick = order[Math.floor(P() * C)];
    const k = cands[pick]; const q = p(r, k);
    const e = A() < q ? 1 : 0;
    events.push({ t: r, k, e });
    regret[r] = best - q; uni[r] = best - mean;
    if (!oracleW && (r + 1) % every === 0) {
      const now = r + 0.5; // hours
      const stats = { keywords: {}, windows: W, windowHours: winH, end: now * 3600e3, seed: Math.floor(S() * 2 ** 53) };
      const agg = KW.map(() => Array.from({ length: W }, () => ({ found: 0, posts: 0, engagements: 0, conversions: 0, rejections: 0 })));
      const from = now - W * winH;
      for (let j = events.length - 1; j >= 0 && events[j].t >= from; j--) {
        const ev = events[j]; const age = Math.floor((now - ev.t) / winH); if (age >= W) break;
        const c = agg[ev.k][W - 1 - age]; c.posts++; c.engagements += ev.e;
      }
      KW.forEach((kk, i) => stats.keywords[kk] = agg[i]);
      const cur = {}; Object.keys(weights).sort().forEach(kk => cur[kk] = weights[kk]);
      const out = rule(stats, cur);
      for (const kk of Object.keys(out)) weights[kk] = out[kk];
      if (opt.trace) opt.trace(r, weights, out);
    }
  }
  return summary(regret, uni, drift);
}
function summary(regret, uni, drift) {
  const n = regret.length; const cum = new Float64Array(n), ucum = new Float64Array(n);
  let s = 0, u = 0; for (let i = 0; i < n; i++) { s += regret[i]; u += uni[i]; cum[i] = s; ucum[i] = u; }
  const out = { ratio: cum[n - 1] / ucum[n - 1], seg: [[0,500],[500,1000],[1000,2000],[2000,5000],[5000,n]].filter(([a,b])=>b<=n).map(([a,b])=>+(((cum[b-1]-(a?cum[a-1]:0))/(ucum[b-1]-(a?ucum[a-1]:0))).toFixed(3))) };
  if (drift < n) {
    const from = Math.max(0, drift - Math.min(2000, Math.floor(drift / 2)));
    const level = (cum[drift - 1] - (from === 0 ? 0 : cum[from - 1])) / (drift - from);
    const ul = (ucum[drift - 1] - (from === 0 ? 0 : ucum[from - 1])) / (drift - from);
    const th = level + 0.1 * ul; out.recovery = -1; out.level = level;
    for (let t = drift + 200; t <= n; t++) { if ((cum[t - 1] - cum[t - 201]) / 200 <= th) { out.recovery = t - drift; break; } }
    out.preRatio = (cum[drift-1]) / ucum[drift-1];
  }
  return out;
}
module.exports = { loadRule, run, KW, RATES };
if (require.main === module) {
  const file = process.argv[2], ov = JSON.parse(process.argv[3] || '{}'), seeds = +(process.argv[4] || 20), rounds = +(process.argv[5] || 10000);
  const rule = loadRule(file, ov);
  const st = [], dr = [];
  for (let sd = 1; sd <= seeds; sd++) {
    st.push(run(rule, { rounds, seed: sd }).ratio);
    dr.push(run(rule, { rounds, seed: sd, drift: true }).recovery);
  }
  const mean = a => a.reduce((x, y) => x + y, 0) / a.length;
  const sorted = [...st].sort((a, b) => a - b);
  console.log(JSON.stringify(ov), 'stationary ratio: mean', mean(st).toFixed(3), 'p90', sorted[Math.floor(0.9 * seeds)].toFixed(3),
    'above 0.15:', st.filter(x => x > 0.15).length + '/' + seeds, '| drift recovery: mean', mean(dr).toFixed(0), 'max', Math.max(...dr),
    'above 1000 or never:', dr.filter(x => x > 1000 || x < 0).length + '/' + seeds);
}
