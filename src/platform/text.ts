// NUL and surrogate code units are exactly what this looks for.
// eslint-disable-next-line no-control-regex
const needsCleaning = /[\u0000\uD800-\uDFFF]/;

/**
 * Text both engines store identically: NUL becomes U+FFFD (PostgreSQL text cannot hold it, and
 * refused the whole write with a 500) and lone surrogates become U+FFFD (PostgreSQL rejects
 * them, SQLite would keep them). Everything else is kept as sent.
 */
export function storableText(text: string): string {
  return needsCleaning.test(text) ? text.replaceAll('\u0000', '\uFFFD').toWellFormed() : text;
}

/**
 * `value` with every string in it (object keys too) made storable, in place where it can be;
 * returns the value to use. For parsed request bodies and query strings, which are plain data.
 */
export function storableValue(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = storableValue(value[i]);
    return value;
  }
  if (typeof value === 'object' && value !== null) {
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object);
    if (keys.some((key) => storableText(key) !== key)) {
      const copy: Record<string, unknown> = {};
      for (const key of keys) copy[storableText(key)] = storableValue(object[key]);
      return copy;
    }
    for (const key of keys) {
      const cleaned = storableValue(object[key]);
      if (cleaned !== object[key]) object[key] = cleaned;
    }
  }
  return value;
}
