import { AppError } from './errors.ts';

/** Limits applied to every JSON body after parsing. */
export interface JsonLimits {
  /** Deepest nesting of objects and arrays (the top level is depth 1). */
  maxDepth: number;
  /** Most object keys in the whole document. */
  maxKeys: number;
}

export const defaultJsonLimits: JsonLimits = { maxDepth: 32, maxKeys: 10_000 };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 strictly: invalid bytes are an error, never silently replaced with U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new AppError('invalid_utf8', 'The body is not valid UTF-8.');
  }
}

/**
 * Parses a JSON body strictly: valid UTF-8, valid JSON, nesting and key count within limits,
 * and no `__proto__` or `constructor.prototype` keys (prototype pollution). The walk is
 * iterative, so a hostile nesting depth cannot overflow the stack.
 */
export function parseStrictJson(
  bytes: Uint8Array,
  limits: JsonLimits = defaultJsonLimits,
): unknown {
  return parseStrictJsonText(decodeUtf8(bytes), limits);
}

/** parseStrictJson for text that is already decoded. */
export function parseStrictJsonText(text: string, limits: JsonLimits = defaultJsonLimits): unknown {
  if (text.trim() === '')
    throw new AppError('empty_body', 'The request body is empty; send a JSON document.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AppError('invalid_json', `The body is not valid JSON: ${(error as Error).message}`);
  }
  checkJsonShape(value, limits);
  return value;
}

/** Throws when a parsed JSON value breaks the depth, key-count or reserved-key rules. */
export function checkJsonShape(root: unknown, limits: JsonLimits): void {
  const stack: { value: unknown; depth: number; path: string }[] = [
    { value: root, depth: 1, path: '' },
  ];
  let keys = 0;
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop() as { value: unknown; depth: number; path: string };
    if (typeof value !== 'object' || value === null) continue;
    if (depth > limits.maxDepth) {
      throw new AppError('too_deep', `The body nests deeper than ${limits.maxDepth} levels.`, {
        field: path || undefined,
      });
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        stack.push({ value: value[i], depth: depth + 1, path: `${path}[${i}]` });
      }
      continue;
    }
    for (const key of Object.keys(value)) {
      keys++;
      const child = (value as Record<string, unknown>)[key];
      const childPath = path === '' ? key : `${path}.${key}`;
      if (
        key === '__proto__' ||
        (key === 'constructor' &&
          typeof child === 'object' &&
          child !== null &&
          'prototype' in child)
      ) {
        throw new AppError('forbidden_key', `The key "${key}" is not allowed.`, {
          field: childPath,
        });
      }
      stack.push({ value: child, depth: depth + 1, path: childPath });
    }
    if (keys > limits.maxKeys) {
      throw new AppError('too_many_keys', `The body has more than ${limits.maxKeys} keys.`);
    }
  }
}
