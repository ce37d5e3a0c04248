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
  // Two parallel stacks and no per-node path strings: this runs on every intake request, and
  // the path of a violation is worked out only when there is one.
  const values: unknown[] = [root];
  const depths: number[] = [1];
  let keys = 0;
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop() ?? 1;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > limits.maxDepth) {
      throw new AppError('too_deep', `The body nests deeper than ${limits.maxDepth} levels.`, {
        field: pathTo(root, value),
      });
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        values.push(value[i]);
        depths.push(depth + 1);
      }
      continue;
    }
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      keys++;
      const child = (value as Record<string, unknown>)[key];
      if (
        key === '__proto__' ||
        (key === 'constructor' &&
          typeof child === 'object' &&
          child !== null &&
          'prototype' in child)
      ) {
        const parent = pathTo(root, value);
        throw new AppError('forbidden_key', `The key "${key}" is not allowed.`, {
          field: parent === undefined ? key : `${parent}.${key}`,
        });
      }
      values.push(child);
      depths.push(depth + 1);
    }
    if (keys > limits.maxKeys) {
      throw new AppError('too_many_keys', `The body has more than ${limits.maxKeys} keys.`);
    }
  }
}

/** The dotted path from `root` to `target` (undefined for the root itself), found iteratively. */
function pathTo(root: unknown, target: unknown): string | undefined {
  const stack: { value: unknown; path: string }[] = [{ value: root, path: '' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: unknown; path: string };
    if (value === target) return path === '' ? undefined : path;
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      value.forEach((child, i) => stack.push({ value: child, path: `${path}[${i}]` }));
    } else {
      for (const [key, child] of Object.entries(value))
        stack.push({ value: child, path: path === '' ? key : `${path}.${key}` });
    }
  }
  return undefined;
}
