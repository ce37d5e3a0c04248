import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkJsonShape, decodeUtf8, parseStrictJson } from './strict-json.ts';

const bytes = (text: string) => Buffer.from(text);

describe('parseStrictJson', () => {
  it('parses ordinary JSON', () => {
    assert.deepEqual(parseStrictJson(bytes('{"a":[1,{"b":null}],"c":"ü"}')), {
      a: [1, { b: null }],
      c: 'ü',
    });
  });

  const rejected: [string, Buffer, string][] = [
    ['empty', bytes(''), 'empty_body'],
    ['whitespace', bytes(' \n\t'), 'empty_body'],
    ['truncated', bytes('{"a":'), 'invalid_json'],
    ['single quotes', bytes("{'a':1}"), 'invalid_json'],
    ['invalid UTF-8 (lone continuation byte)', Buffer.from([0x7b, 0x80, 0x7d]), 'invalid_utf8'],
    ['invalid UTF-8 (overlong encoding)', Buffer.from([0x22, 0xc0, 0xaf, 0x22]), 'invalid_utf8'],
    ['too deep (arrays)', bytes(`${'['.repeat(33)}${']'.repeat(33)}`), 'too_deep'],
    ['too deep (objects)', bytes(`${'{"a":'.repeat(33)}1${'}'.repeat(33)}`), 'too_deep'],
    ['a million levels', bytes(`${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`), 'too_deep'],
    ['__proto__', bytes('{"a":{"__proto__":{"x":1}}}'), 'forbidden_key'],
    ['constructor.prototype', bytes('{"constructor":{"prototype":{"x":1}}}'), 'forbidden_key'],
  ];
  for (const [name, input, code] of rejected) {
    it(`rejects ${name} with ${code}`, () => {
      assert.throws(() => parseStrictJson(input), { code });
    });
  }

  it('accepts exactly the maximum depth', () => {
    assert.doesNotThrow(() => parseStrictJson(bytes(`${'['.repeat(32)}${']'.repeat(32)}`)));
  });

  it('allows a key named constructor when it is not an object with a prototype', () => {
    assert.deepEqual(parseStrictJson(bytes('{"constructor":"Toyota"}')), { constructor: 'Toyota' });
  });

  it('counts keys across the whole document', () => {
    const wide = { a: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, i])) };
    assert.throws(() => checkJsonShape(wide, { maxDepth: 32, maxKeys: 50 }), {
      code: 'too_many_keys',
    });
    assert.doesNotThrow(() => checkJsonShape(wide, { maxDepth: 32, maxKeys: 61 }));
  });

  it('names where the reserved key was found', () => {
    assert.throws(() => parseStrictJson(bytes('{"labels":{"__proto__":1}}')), {
      field: 'labels.__proto__',
    });
  });
});

describe('decodeUtf8', () => {
  it('keeps valid multi-byte text and rejects invalid bytes instead of replacing them', () => {
    assert.equal(decodeUtf8(bytes('naïve – 日本 🚒')), 'naïve – 日本 🚒');
    assert.throws(() => decodeUtf8(Buffer.from([0xed, 0xa0, 0x80])), { code: 'invalid_utf8' });
  });
});
