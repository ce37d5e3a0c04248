import { setFlagsFromString } from 'node:v8';
import type { LabelMatcher } from '../../contracts/incidents.ts';

// Silences and thresholds match labels with regular expressions that people type at 2 AM and
// that run against every alert. V8's linear-time engine (the `l` flag, RE2's guarantee) makes
// a hostile or careless pattern such as (a+)+$ cost time in proportion to the input, never
// exponential; patterns it cannot run in linear time (backreferences, lookaround) are refused
// when the silence is created.
setFlagsFromString('--enable-experimental-regexp-engine');

export type CompiledMatcher = (labels: Readonly<Record<string, string>>) => boolean;

export type MatcherResult =
  { ok: true; match: CompiledMatcher } | { ok: false; index: number; message: string };

/**
 * Compiles matchers into one predicate (all must hold), as Alertmanager does: regexes are
 * anchored at both ends, and a missing label equals the empty string.
 */
export function compileMatchers(matchers: readonly LabelMatcher[]): MatcherResult {
  const tests: CompiledMatcher[] = [];
  for (const [index, m] of matchers.entries()) {
    if (m.op === '=' || m.op === '!=') {
      const equal = m.op === '=';
      tests.push((labels) => ((labels[m.label] ?? '') === m.value) === equal);
      continue;
    }
    let pattern: RegExp;
    try {
      // eslint-disable-next-line no-invalid-regexp -- 'l' is V8's linear-time engine, enabled above
      pattern = new RegExp(`^(?:${m.value})$`, 'l');
    } catch (error) {
      const reason = (error as Error).message.replace(/^Invalid regular expression: /, '');
      return {
        ok: false,
        index,
        message: /linear time/.test(reason)
          ? 'this regular expression cannot run in linear time (no backreferences or lookaround)'
          : `not a valid regular expression (${reason})`,
      };
    }
    const positive = m.op === '=~';
    tests.push((labels) => pattern.test(labels[m.label] ?? '') === positive);
  }
  return { ok: true, match: (labels) => tests.every((t) => t(labels)) };
}
