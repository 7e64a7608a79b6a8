/*
 * strategy-weights.js: how Flywheel moves paper-trading capital between strategies according to
 * what each earned. Edit freely; a running Flywheel reloads this file when it changes, after
 * replaying the new version on the recorded trade results (it must run within the limits and
 * return valid weights, or the old version stays and `flywheel status` says why).
 *
 * CONTRACT
 *   function updateStrategyWeights(performance, current, history) -> { strategyId: weight, ... }
 *
 *   performance[id]  the strategy's returns for each period since the last update, oldest
 *                    first, as fractions (0.01 is +1%, -0.02 is -2%)
 *   current          the capital weights in force, { strategyId: weight }, summing to 1
 *   history[id]      (may be undefined, or miss a strategy) the strategy's returns for up to its
 *                    last 260 periods, oldest first, ending with those in performance[id]: the
 *                    paper book and backtests pass it; a replay of recorded trades does not
 *
 *   Return a weight for any strategy in `current` or `performance`; one left out keeps its
 *   weight. Each must be a finite number >= 0 and not all may be zero; Flywheel scales them to
 *   sum to 1. An invalid result is rejected with the offending entries named and the weights in
 *   force stay. A call must finish within rules.time-limit (200 ms by default).
 *
 *   function reward(returns, past) -> number   (optional)
 *   What the rule rewards a strategy with for `returns` (its returns since the last update), given
 *   `past` (its record, as history[id] above, or `returns` when there is none). `flywheel
 *   simulate` measures the rule's regret in this reward by calling this very function, so the
 *   report stays true to the rule when it is edited; without it simulate takes the reward to be
 *   the sum of the raw log returns (its report says which). A rule whose weights follow another
 *   reward should define this function, or simulate measures its regret in the wrong units.
 *
 * DEFAULT: Hedge (exponential weights) on volatility-scaled returns
 *   Reward: each period's log return divided by the strategy's volatility, the root mean square
 *   of its last VOL_PERIODS period returns (from `history`, or from `performance` when there is
 *   none), the newer ones weighted more (VOL_DECAY^age), at least MIN_VOL. This is a Sharpe-like
 *   reward: a strategy earns weight by return per unit of risk, not by return alone. With raw
 *   returns Hedge piled into the most volatile strategy (buy-and-hold, at 0.36 to 0.76 of the
 *   capital on the four fixture series) and lost Sharpe to equal weights on all four; scaled, it
 *   beats equal weights on 3 of 4 (ETH only by 0.001, and none on the held-out second halves of
 *   the series: docs/BENCHMARKS.md, Learning: strategies).
 *   Each strategy's weight is multiplied by exp(ETA x its rewards over the periods), then the
 *   weights are normalized: capital flows to what has been earning per unit of risk, and keeps
 *   flowing away from a strategy once it turns. ETA is the learning rate per unit of scaled
 *   return: a strategy one standard deviation better than another in one period gains about 10%
 *   weight relative to it (exp(0.1 x 1) = 1.105). ETA = 0 is equal weights rebalanced every period.
 *   Regret: Hedge with rate eta' on rewards in [0, 1] over T periods and N strategies earns at
 *   most ln(N) / eta' + eta' x T / 8 less reward than the best single strategy. If in every period
 *   the rewards spread over at most V (best minus worst strategy), dividing by V puts them in
 *   [0, 1] with eta' = ETA x V, so in these rewards (the sum of scaled log returns) the regret is at
 *   most ln(N) / ETA + ETA x T x V^2 / 8. (`flywheel simulate` reports it on real prices.) The
 *   guarantee is in scaled returns, not in money: by design the rule prefers a steadier strategy
 *   to one that earns more with more risk, so against the strategy that earned the most it can
 *   fall behind by more than any such bound (simulate prints that log-growth regret too).
 *   Then no weight moves more than MAX_STEP (absolute) in one update, and none is pushed below
 *   FLOOR, so a strategy that turns good again can win its capital back: each weight steps toward
 *   Hedge's target within those limits, then the larger of the total gain and the total loss is
 *   scaled down to the other so the weights still sum to 1 without stretching any step.
 *   A strategy seen for the first time starts at an equal share.
 *   Trade-offs: a larger ETA follows a turn faster but chases noise (ETA 0.2 lost Sharpe on BTC
 *   daily); at 0.05 a steady half-standard-deviation edge that reverses is not always followed
 *   within 200 periods (DefaultRulesTest's turn-around case), at 0.1 it is. A longer volatility
 *   memory (VOL_PERIODS, VOL_DECAY near 1) is steadier but slower to see a strategy's risk
 *   change; a shorter one makes the reward noisy (measured from one period's bars it beat equal
 *   weights on at most 1 of 4). MAX_STEP limits how much capital one update moves (turnover);
 *   FLOOR keeps every strategy trading a little so its return stays measurable; on the fixture
 *   series neither changed Sharpe by more than 0.01 in a scan of 0.05 / 0.10 / none and 0.02 / 0.05.
 */

const ETA = 0.1;          // learning rate, per unit of volatility-scaled log return
const VOL_PERIODS = 104;  // periods of history the volatility is measured over (two years of weeks)
const VOL_DECAY = 0.99;   // weight of a return one period older in the volatility estimate
const MIN_VOL = 0.001;    // least volatility a reward is divided by (a strategy that never trades)
const MAX_STEP = 0.10;    // most a weight moves per update (0.10 = 10 percentage points)
const FLOOR = 0.02;       // least weight of any strategy

/** Root mean square of the last VOL_PERIODS returns, newer ones weighted more; at least MIN_VOL. */
function volatility(returns) {
  let num = 0;
  let den = 0;
  let w = 1;
  for (let i = returns.length - 1; i >= 0 && i >= returns.length - VOL_PERIODS; i--) {
    num += w * returns[i] * returns[i];
    den += w;
    w *= VOL_DECAY;
  }
  return den > 0 ? Math.max(MIN_VOL, Math.sqrt(num / den)) : 1;
}

/** The sum of the log returns in `returns`, each divided by the volatility of `past`. */
function reward(returns, past) {
  const vol = volatility(past);
  let sum = 0;
  for (const r of returns) sum += Math.log(Math.max(1e-9, 1 + r)) / vol;
  return sum;
}

function updateStrategyWeights(performance, current, history) {
  const ids = Array.from(new Set(Object.keys(current).concat(Object.keys(performance))));
  if (ids.length === 0) return {};
  const start = {};
  let total = 0;
  for (const id of ids) {
    start[id] = current[id] > 0 ? current[id] : 1 / ids.length;
    total += start[id];
  }
  for (const id of ids) start[id] /= total;

  // Hedge in log space, shifted by the largest exponent so exp() cannot overflow.
  const exponent = {};
  let top = -Infinity;
  for (const id of ids) {
    const recent = performance[id] || [];
    const past = history && history[id] && history[id].length > 0 ? history[id] : recent;
    exponent[id] = Math.log(start[id]) + ETA * reward(recent, past);
    top = Math.max(top, exponent[id]);
  }
  let sum = 0;
  const target = {};
  for (const id of ids) {
    target[id] = Math.exp(exponent[id] - top);
    sum += target[id];
  }

  // Toward Hedge's target: no step above MAX_STEP, none below FLOOR; then the larger of the total
  // gain and the total loss is scaled down to the other, so the weights still sum to 1 and no
  // weight moves more than MAX_STEP (scaling afterwards instead would stretch the steps).
  const step = {};
  let gain = 0;
  let loss = 0;
  for (const id of ids) {
    let d = Math.max(-MAX_STEP, Math.min(MAX_STEP, target[id] / sum - start[id]));
    if (d < 0) d = Math.max(d, Math.min(0, FLOOR - start[id]));
    step[id] = d;
    if (d > 0) gain += d; else loss -= d;
  }
  const next = {};
  for (const id of ids) {
    const d = step[id];
    next[id] = start[id] + (d > 0 && gain > loss ? d * loss / gain : d < 0 && loss > gain ? d * gain / loss : d);
  }
  return next;
}
