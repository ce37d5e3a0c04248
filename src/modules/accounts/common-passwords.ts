import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Whether a password is one people commonly use, or one of those with a little added, as NIST
 * SP 800-63B asks a verifier to check (§5.1.1.2: "passwords obtained from previous breach
 * corpuses", "dictionary words", "repetitive or sequential characters", "context-specific
 * words"). The list is zxcvbn-ts's 49,000 most common passwords from breach corpora, shipped
 * in an npm package, so the check needs no network. It is read for each check and not kept:
 * passwords are chosen rarely, and 3 MB held for that all day would be waste.
 */

const listFile = createRequire(import.meta.url).resolve(
  '@zxcvbn-ts/language-common/src/passwords.json',
);

/** The breached-password list, lower case. */
export function loadCommonPasswords(): ReadonlySet<string> {
  return new Set(JSON.parse(readFileSync(listFile, 'utf8')) as string[]);
}

// Runs of keys and characters people type in order; a password inside one (either way) is
// sequential, whatever its length ("qwertyuiopas", "123456789012", "zyxwvuts").
const sequences = [
  '01234567890123456789',
  'abcdefghijklmnopqrstuvwxyz',
  'qwertyuiopasdfghjklzxcvbnm',
  'qwertzuiopasdfghjklyxcvbnm',
  'azertyuiopqsdfghjklmwxcvbn',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
  '1234567890qwertyuiop',
  '!@#$%^&*()_+',
];

const leet: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
  '!': 'i',
  '+': 't',
};

/** Words tied to this service, refused like common passwords. */
const contextWords = ['steady', 'incident', 'oncall', 'pagerduty'];

// The runs backwards too ("zyxw", "0987"); they are ASCII, so reversing code units is exact.
const runs = sequences.flatMap((run) => [run, run.split('').reverse().join('')]);

function isSequential(text: string): boolean {
  return text.length >= 4 && runs.some((run) => run.includes(text));
}

/** The shortest unit `text` is a repetition of ("abcabc" → "abc"), or null. */
function repeatedUnit(text: string): string | null {
  for (let size = 1; size <= text.length / 2; size++) {
    if (text.length % size !== 0) continue;
    const unit = text.slice(0, size);
    if (unit.repeat(text.length / size) === text) return unit;
  }
  return null;
}

/** What is left of a password without the digits and symbols people add at either end. */
function core(text: string): string {
  return text.replace(/^[\p{N}\p{P}\p{S}\s]+|[\p{N}\p{P}\p{S}\s]+$/gu, '');
}

/**
 * Why `password` is a common one, in words for the person choosing it, or null when it is not.
 * `common` is the list from loadCommonPasswords (passed in: pure, and loaded by the caller).
 */
export function commonPasswordReason(password: string, common: ReadonlySet<string>): string | null {
  const lower = password.toLowerCase().normalize('NFKC');
  const compact = lower.replace(/\s+/gu, '');
  const candidates = new Set([lower, compact, core(compact)]);
  for (const candidate of [...candidates]) {
    candidates.add(candidate.replace(/[0134578@$!+]/g, (c) => leet[c] ?? c));
  }
  for (const candidate of [...candidates]) candidates.add(core(candidate));
  for (const candidate of candidates) {
    if (candidate === '') return 'it is only digits and symbols of a common pattern';
    if (common.has(candidate) || contextWords.includes(candidate))
      return candidate === lower
        ? 'it is on a list of commonly used and breached passwords'
        : `it is a commonly used password ("${candidate}") with a few characters changed or added`;
    if (isSequential(candidate)) return 'it is a run of keys or characters in order';
    const unit = repeatedUnit(candidate);
    if (unit !== null && (unit.length <= 4 || common.has(unit) || isSequential(unit)))
      return 'it repeats a short or common part';
  }
  return null;
}
