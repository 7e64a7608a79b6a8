package io.flywheel.engine.rules;

/**
 * The host's side of each rule, in JavaScript, evaluated after the operator's script in the same
 * context. Each is a function of the operator's function that returns the entry points the host
 * calls; capturing the function makes later changes to globals by the script irrelevant. They
 * build the rule's inputs from what the host passes and check the result's shape, so one call
 * crosses between Java and JavaScript per batch instead of per lead or per value.
 */
final class Harness {
    private Harness() {}

    private static final String DESCRIBE = """
            function describe(v) {
              if (v === null) return 'null';
              if (v === undefined) return 'undefined';
              if (Array.isArray(v)) return 'an array';
              switch (typeof v) {
                case 'string': return 'the string ' + JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v);
                case 'number': return String(v);
                case 'object': return 'an object';
                default: return 'a ' + typeof v;
              }
            }
            """;

    /**
     * Lead scoring. Each call passes a {@link LeadBatch}, the batch column by column, and the state
     * {@code bind} made once (the names seen so far, the weights object of the older contract). The
     * script reads the columns in place: Java arrays new for each batch, so what it writes into
     * them is gone with the batch. A {@code scoreBatch(batch)} script gets the columns as they are;
     * a {@code score(leads, weights)} script (the first contract, still accepted) gets one object
     * per lead built from them. Text is read from the host only when the script asks for it.
     * Scores are checked and written straight into the host's array.
     */
    static final String LEAD_SCORE = """
            (function (scoreBatch, score, maxEntries) {
              'use strict';
            """ + DESCRIBE + """
              const fname = scoreBatch ? 'scoreBatch()' : 'score()';
              function sync(st, b) {
                if (st.layout !== b.layout) {
                  st.layout = b.layout;
                  st.keywords = []; st.sources = []; st.platforms = []; st.weightsObject = null;
                }
                if (st.keywords.length !== b.keywordCount) st.keywords = names(b.keywords, b.keywordCount);
                if (st.sources.length !== b.sourceCount) st.sources = names(b.sources, b.sourceCount);
                if (st.platforms.length !== b.platformCount) st.platforms = names(b.platforms, b.platformCount);
              }
              function names(host, count) {
                const a = new Array(count);
                for (let i = 0; i < count; i++) a[i] = host[i];
                return Object.freeze(a);
              }
              function leadAt(st, b, i) {
                if (st.textFor !== st.call) { b.loadText(); st.textFor = st.call; }
                const from = b.matchStart[i], to = b.matchStart[i + 1];
                const k = new Array(to - from), t = new Array(to - from);
                for (let j = from; j < to; j++) { k[j - from] = st.keywords[b.matchKeyword[j]]; t[j - from] = b.matchInTitle[j] === 1; }
                return new Lead(b, i, k, t, st.sources[b.source[i]], st.platforms[b.platform[i]], b.ageHours[i], b.published[i]);
              }
              class Lead {
                #b; #i; #p;
                constructor(b, i, keywords, inTitle, source, platform, ageHours, published) {
                  this.#b = b; this.#i = i; this.#p = published;
                  this.keywords = keywords; this.inTitle = inTitle;
                  this.source = source; this.platform = platform; this.ageHours = ageHours;
                }
                get published() { const p = this.#p; return p === p ? p : null; }
                get key() { return this.#b.key[this.#i]; }
                get title() { return this.#b.title[this.#i]; }
                get body() { const v = this.#b.body[this.#i]; return v == null ? '' : v; }
                get company() { return this.#b.company[this.#i]; }
                get location() { return this.#b.location[this.#i]; }
                get compensation() { return this.#b.compensation[this.#i]; }
                get url() { return this.#b.url[this.#i]; }
                toJSON() {
                  return { key: this.key, title: this.title, keywords: this.keywords, inTitle: this.inTitle, source: this.source,
                           platform: this.platform, ageHours: this.ageHours, company: this.company, published: this.published };
                }
              }
              class Batch {
                #st; #b;
                constructor(st, b) {
                  this.#st = st;
                  this.#b = b;
                  this.size = b.n;
                  this.keywords = st.keywords;
                  this.weights = b.weights;
                  this.matchStart = b.matchStart;
                  this.matchKeyword = b.matchKeyword;
                  this.matchInTitle = b.matchInTitle;
                  this.ageHours = b.ageHours;
                  this.published = b.published;
                  this.sources = st.sources;
                  this.source = b.source;
                  this.platforms = st.platforms;
                  this.platform = b.platform;
                }
                lead(i) {
                  if (!Number.isInteger(i) || i < 0 || i >= this.size) {
                    throw new RangeError('batch.lead(' + describe(i) + '): expected a lead index from 0 to ' + (this.size - 1));
                  }
                  return leadAt(this.#st, this.#b, i);
                }
              }
              function legacyWeights(st, b) {
                if (st.weightsObject === null) {
                  const w = {}, count = b.weightCount;
                  for (let i = 0; i < count; i++) w[st.keywords[i]] = b.weights[i];
                  st.weightsObject = Object.freeze(w);
                }
                return st.weightsObject;
              }
              return {
                bind() {
                  return { layout: -1, keywords: [], weightsObject: null, sources: [], platforms: [], call: 0, textFor: -1 };
                },
                score(st, b) {
                  sync(st, b);
                  st.call++;
                  const n = b.n;
                  let r;
                  if (scoreBatch) {
                    r = scoreBatch(new Batch(st, b));
                  } else {
                    const leads = new Array(n);
                    for (let i = 0; i < n; i++) leads[i] = leadAt(st, b, i);
                    r = score(leads, legacyWeights(st, b));
                  }
                  if (r === null || typeof r !== 'object' || typeof r.length !== 'number') {
                    return fname + ' returned ' + describe(r) + '; expected an array with one number per lead';
                  }
                  if (r.length !== n) return fname + ' returned ' + r.length + ' score(s) for ' + n + ' lead(s)';
                  const out = b.out;
                  for (let i = 0; i < n; i++) {
                    const v = r[i];
                    if (typeof v !== 'number' || !Number.isFinite(v)) {
                      if (st.textFor !== st.call) { b.loadText(); st.textFor = st.call; }
                      return fname + ' returned ' + describe(v) + ' for lead ' + i + ' (' + JSON.stringify(String(b.title[i]).slice(0, 60))
                          + '); every score must be a finite number';
                    }
                    out[i] = v;
                  }
                  return null;
                }
              };
            })
            """;

    /**
     * Weight rules. Inputs are small and arrive as JSON text (parsed into plain objects and
     * arrays); the result is copied into a plain object of numbers, anything else replaced by a
     * description the host's validation reports. {@code reward} is a strategy-weights script's
     * optional {@code reward(returns, past)}, {@code null} when it defines none.
     */
    static final String WEIGHTS = """
            (function (update, maxEntries, reward) {
              'use strict';
            """ + DESCRIBE + """
              return {
                update(input, current, third) {
                  const r = third === undefined ? update(JSON.parse(input), JSON.parse(current))
                      : update(JSON.parse(input), JSON.parse(current), JSON.parse(third));
                  if (r === null || typeof r !== 'object' || Array.isArray(r)) {
                    return { error: 'returned ' + describe(r) + '; expected an object mapping each name to its weight' };
                  }
                  const keys = Object.keys(r);
                  if (keys.length > maxEntries) return { error: 'returned ' + keys.length + ' weights; at most ' + maxEntries + ' are accepted' };
                  const numbers = {}, invalid = {};
                  for (const k of keys) {
                    const v = r[k];
                    if (typeof v === 'number') numbers[k] = v; else invalid[k] = describe(v);
                  }
                  return { numbers, invalid };
                },
                rewards(input, past) {
                  if (typeof reward !== 'function') return null;
                  const returns = JSON.parse(input), record = JSON.parse(past), out = {};
                  for (const id of Object.keys(returns)) {
                    const v = reward(returns[id], record[id] && record[id].length > 0 ? record[id] : returns[id]);
                    if (typeof v !== 'number' || !Number.isFinite(v)) {
                      return { error: 'returned ' + describe(v) + ' for ' + JSON.stringify(id) + '; expected a finite number' };
                    }
                    out[id] = v;
                  }
                  return { numbers: out };
                }
              };
            })
            """;

    static String of(RuleKind kind) {
        return kind == RuleKind.LEAD_SCORE ? LEAD_SCORE : WEIGHTS;
    }
}
