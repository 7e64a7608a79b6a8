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
     * Lead scoring. The batch arrives column by column ({@link LeadBatch}); each lead becomes an
     * object whose small fields are plain properties and whose text is read from the host only
     * when the script asks for it. Scores are checked and written straight into the host's array.
     */
    static final String LEAD_SCORE = """
            (function (score, maxEntries) {
              'use strict';
            """ + DESCRIBE + """
              class Lead {
                #b; #i;
                constructor(b, i, keywords, inTitle, source, platform, ageHours) {
                  this.#b = b; this.#i = i;
                  this.keywords = keywords; this.inTitle = inTitle;
                  this.source = source; this.platform = platform; this.ageHours = ageHours;
                }
                get key() { return this.#b.key[this.#i]; }
                get title() { return this.#b.title[this.#i]; }
                get body() { const v = this.#b.body[this.#i]; return v == null ? '' : v; }
                get company() { return this.#b.company[this.#i]; }
                get location() { return this.#b.location[this.#i]; }
                get compensation() { return this.#b.compensation[this.#i]; }
                get url() { return this.#b.url[this.#i]; }
                get published() { const p = this.#b.published[this.#i]; return p === p ? p : null; }
                toJSON() {
                  return { key: this.key, title: this.title, keywords: this.keywords, inTitle: this.inTitle, source: this.source,
                           platform: this.platform, ageHours: this.ageHours, company: this.company, published: this.published };
                }
              }
              return {
                weights(keys, values) {
                  const w = {};
                  for (let i = 0; i < keys.length; i++) w[keys[i]] = values[i];
                  return Object.freeze(w);
                },
                score(b, weights) {
                  const n = b.n, strings = b.strings, names = new Array(strings.length);
                  for (let i = 0; i < names.length; i++) names[i] = strings[i];
                  const kwIdx = b.kwIdx, kwStart = b.kwStart, inT = b.inTitle, src = b.source, plat = b.platform, age = b.ageHours;
                  const leads = new Array(n);
                  for (let i = 0; i < n; i++) {
                    const from = kwStart[i], to = kwStart[i + 1];
                    const k = new Array(to - from), t = new Array(to - from);
                    for (let j = from; j < to; j++) { k[j - from] = names[kwIdx[j]]; t[j - from] = inT[j]; }
                    leads[i] = new Lead(b, i, k, t, names[src[i]], names[plat[i]], age[i]);
                  }
                  const r = score(leads, weights);
                  if (r === null || typeof r !== 'object' || typeof r.length !== 'number') {
                    return 'score() returned ' + describe(r) + '; expected an array with one number per lead';
                  }
                  if (r.length !== n) return 'score() returned ' + r.length + ' score(s) for ' + n + ' lead(s)';
                  const out = b.out;
                  for (let i = 0; i < n; i++) {
                    const v = r[i];
                    if (typeof v !== 'number' || !Number.isFinite(v)) {
                      return 'score() returned ' + describe(v) + ' for lead ' + i + ' (' + JSON.stringify(String(b.title[i]).slice(0, 60))
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
     * description the host's validation reports.
     */
    static final String WEIGHTS = """
            (function (update, maxEntries) {
              'use strict';
            """ + DESCRIBE + """
              return {
                update(input, current) {
                  const r = update(JSON.parse(input), JSON.parse(current));
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
                }
              };
            })
            """;

    static String of(RuleKind kind) {
        return kind == RuleKind.LEAD_SCORE ? LEAD_SCORE : WEIGHTS;
    }
}
