/*
 * strategy-weights.js: how Flywheel moves paper-trading capital between strategies according to
 * what each earned. Edit freely; a running Flywheel reloads this file when it changes, after
 * replaying the new version on the recorded trade results (it must run within the limits and
 * return valid weights, or the old version stays and `flywheel status` says why).
 *
 * CONTRACT
 *   function updateStrategyWeights(performance, current) -> { strategyId: weight, ... }
 *
 *   performance[id]  the strategy's returns for each period since the last update, oldest
 *                    first, as fractions (0.01 is +1%, -0.02 is -2%)
 *   current          the capital weights in force, { strategyId: weight }, summing to 1
 *
 *   Return a weight for any strategy in `current` or `performance`; one left out keeps its
 *   weight. Each must be a finite number >= 0 and not all may be zero; Flywheel scales them to
 *   sum to 1. An invalid result is rejected with the offending entries named and the weights in
 *   force stay. A call must finish within rules.time-limit (200 ms by default).
 *
 * DEFAULT: Hedge (exponential weights)
 *   Each strategy's weight is multiplied by exp(ETA x its log return over the periods), then
 *   the weights are normalized: capital flows to what has been earning, and keeps flowing
 *   away from a strategy once it turns. ETA is the learning rate: with ETA = 5, a strategy that
 *   earns 2% more than another in one period gains about 10% weight relative to it
 *   (exp(5 x 0.02) = 1.105). ETA = 1 would let each strategy's capital simply ride its own
 *   returns; ETA = 0 is equal weights rebalanced every period.
 *   Regret: Hedge with rate eta' on rewards in [0, 1] over T periods and N strategies earns at
 *   most ln(N) / eta' + eta' x T / 8 less than the best single strategy. Here the rewards are
 *   log returns; if in every period they spread over at most W (best minus worst strategy),
 *   dividing by W puts them in [0, 1] with eta' = ETA x W, so in log growth the regret is at
 *   most ln(N) / ETA + ETA x T x W^2 / 8. (`flywheel simulate` reports it on real prices.)
 *   Then no weight moves more than MAX_STEP (absolute) in one update, and none falls below
 *   FLOOR, so a strategy that turns good again can win its capital back.
 *   A strategy seen for the first time starts at an equal share.
 *   Trade-off: on real prices smaller rates (0.5 to 2) lose less Sharpe against equal weights,
 *   but then capital follows a strategy that turns only slowly (a steady 0.5%-a-period edge
 *   reversed needs ETA near 5 to move the capital back within 200 periods). See
 *   docs/BENCHMARKS.md (Learning: strategies).
 */

const ETA = 5;          // learning rate, per unit of log return
const MAX_STEP = 0.10;  // most a weight moves per update (0.10 = 10 percentage points)
const FLOOR = 0.02;     // least weight of any strategy

function updateStrategyWeights(performance, current) {
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
    let logReturn = 0;
    for (const r of performance[id] || []) logReturn += Math.log(Math.max(1e-9, 1 + r));
    exponent[id] = Math.log(start[id]) + ETA * logReturn;
    top = Math.max(top, exponent[id]);
  }
  let sum = 0;
  const target = {};
  for (const id of ids) {
    target[id] = Math.exp(exponent[id] - top);
    sum += target[id];
  }

  const next = {};
  let nextSum = 0;
  for (const id of ids) {
    const step = Math.max(-MAX_STEP, Math.min(MAX_STEP, target[id] / sum - start[id]));
    next[id] = Math.max(FLOOR, start[id] + step);
    nextSum += next[id];
  }
  for (const id of ids) next[id] /= nextSum;
  return next;
}
