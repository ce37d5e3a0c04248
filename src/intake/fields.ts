import { storableText } from '../platform/text.ts';
import { severities, type AlertImage, type AlertLink, type Severity } from './event.ts';

// Limits on what one event may carry. Over-long text is truncated with a marker (as
// PagerDuty does); too many labels is an error.
export const limits = {
  summary: 1024,
  dedupKey: 255,
  shortText: 255,
  labelKey: 128,
  labelValue: 1024,
  labels: 1000,
  href: 2048,
  linkText: 256,
  links: 50,
} as const;

export const truncationMarker = ' [truncated]';

/**
 * Text both engines store identically: NUL becomes U+FFFD (PostgreSQL text cannot hold it),
 * lone surrogates become U+FFFD (PostgreSQL rejects them, SQLite would keep them), and text
 * over `max` characters is cut with a marker.
 */
export function cleanText(value: string, max: number): string {
  let text = value;
  if (text.length > max) text = text.slice(0, max - truncationMarker.length) + truncationMarker;
  return storableText(text);
}

/** A cleaned string, or null when `value` is not a non-empty string. */
export function optionalText(value: unknown, max: number = limits.shortText): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return text === '' ? null : cleanText(text, max);
}

/** A dedup key with CR/LF removed (they would split log lines and headers). */
export function cleanDedupKey(value: string): string {
  return cleanText(value.replace(/[\r\n]+/g, ' ').trim(), Number.MAX_SAFE_INTEGER);
}

const severityWords: Record<string, Severity> = {
  critical: 'critical',
  crit: 'critical',
  fatal: 'critical',
  emergency: 'critical',
  emerg: 'critical',
  alert: 'critical',
  page: 'critical',
  disaster: 'critical',
  error: 'error',
  err: 'error',
  high: 'error',
  major: 'error',
  warning: 'warning',
  warn: 'warning',
  medium: 'warning',
  minor: 'warning',
  average: 'warning',
  info: 'info',
  information: 'info',
  informational: 'info',
  notice: 'info',
  low: 'info',
  debug: 'info',
  none: 'info',
  ok: 'info',
  // Priority levels people put in the severity field (P1 is the most urgent).
  p0: 'critical',
  p1: 'critical',
  sev0: 'critical',
  sev1: 'critical',
  p2: 'error',
  sev2: 'error',
  p3: 'warning',
  sev3: 'warning',
  p4: 'info',
  p5: 'info',
  sev4: 'info',
  sev5: 'info',
};

/** The default when a sender gives no severity or one Steady does not know. */
export const defaultSeverity: Severity = 'error';

/** Steady's level for a severity word or one of its synonyms; null for a word it does not know. */
export function knownSeverity(value: string): Severity | null {
  const word = value.trim().toLowerCase();
  return (severities as readonly string[]).includes(word)
    ? (word as Severity)
    : (severityWords[word] ?? null);
}

/** Maps a sender's severity word to Steady's four levels; unknown words get the default. */
export function normalizeSeverity(value: unknown): Severity {
  if (typeof value !== 'string') return defaultSeverity;
  return knownSeverity(value) ?? defaultSeverity;
}

const yearMs = 365 * 86_400_000;

/**
 * When the sender says the event happened: an ISO 8601 string or epoch seconds/milliseconds,
 * clamped to [a year before, a day after] the receive time. Null when absent or unreadable
 * (including Alertmanager's "0001-01-01T00:00:00Z" for "no end").
 */
export function parseTimestamp(value: unknown, receivedAt: number): number | null {
  let ms: number;
  if (typeof value === 'number' && Number.isFinite(value)) ms = value < 1e11 ? value * 1000 : value;
  else if (typeof value === 'string' && value.trim() !== '') ms = Date.parse(value);
  else return null;
  if (!Number.isFinite(ms) || ms <= 0 || value === '0001-01-01T00:00:00Z') return null;
  return Math.min(Math.max(ms, receivedAt - yearMs), receivedAt + 86_400_000);
}

/** True for a plain JSON object (not an array or null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Labels as a string map, with non-string values turned into text. A key "__proto__" is kept
 * as data (defined, never assigned, so it cannot change the object's prototype). Returns an
 * error message when there are too many.
 */
export function readLabels(
  value: unknown,
  into: Record<string, string> = {},
): Record<string, string> | string {
  if (value === undefined || value === null) return into;
  if (!isObject(value)) return 'must be an object of text values';
  let count = Object.keys(into).length;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const raw = value[key];
    if (raw === null || raw === undefined) continue;
    const text = cleanText(typeof raw === 'string' ? raw : JSON.stringify(raw), limits.labelValue);
    const name = cleanText(key, limits.labelKey);
    if (name === '__proto__')
      Object.defineProperty(into, name, {
        value: text,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else into[name] = text;
    if (++count > limits.labels) return `has more than ${limits.labels} labels`;
  }
  return into;
}

/** Links as { href, text }, keeping at most `limits.links`; entries without an href are dropped. */
export function readLinks(value: unknown): AlertLink[] {
  if (!Array.isArray(value)) return [];
  const links: AlertLink[] = [];
  for (const entry of value) {
    if (!isObject(entry) || typeof entry.href !== 'string' || entry.href.trim() === '') continue;
    const href = cleanText(entry.href.trim(), limits.href);
    links.push({ href, text: optionalText(entry.text, limits.linkText) ?? href });
    if (links.length >= limits.links) break;
  }
  return links;
}

/** Images as { src, href?, alt? }, at most `limits.links`. */
export function readImages(value: unknown): AlertImage[] {
  if (!Array.isArray(value)) return [];
  const images: AlertImage[] = [];
  for (const entry of value) {
    if (!isObject(entry) || typeof entry.src !== 'string' || entry.src.trim() === '') continue;
    const image: AlertImage = { src: cleanText(entry.src.trim(), limits.href) };
    const href = optionalText(entry.href, limits.href);
    const alt = optionalText(entry.alt, limits.linkText);
    if (href !== null) image.href = href;
    if (alt !== null) image.alt = alt;
    images.push(image);
    if (images.length >= limits.links) break;
  }
  return images;
}

/** A link only when `href` is a non-empty string. */
export function linkIf(href: unknown, text: string): AlertLink[] {
  return typeof href === 'string' && href.trim() !== ''
    ? [{ href: cleanText(href.trim(), limits.href), text }]
    : [];
}
