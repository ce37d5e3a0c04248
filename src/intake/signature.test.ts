import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  generateWebhookSecret,
  isWebhookSecret,
  signStandardWebhook,
  verifySentrySignature,
  verifyStandardWebhook,
} from './signature.ts';

describe('Sentry-Hook-Signature', () => {
  const body = Buffer.from('{"action":"triggered"}');
  const secret = 'sentry-client-secret';
  const good = createHmac('sha256', secret).update(body).digest('hex');

  it('accepts the HMAC of the exact body', () => {
    assert.equal(verifySentrySignature(body, good, secret), true);
  });

  const forged: [string, string | undefined, Buffer?][] = [
    ['a missing header', undefined],
    ['an empty header', ''],
    ['the wrong secret', createHmac('sha256', 'other').update(body).digest('hex')],
    [
      'a signature over another body',
      createHmac('sha256', secret).update('{"action":"resolved"}').digest('hex'),
    ],
    ['a truncated signature', good.slice(0, 40)],
    ['a longer value', `${good}00`],
    ['upper-case hex', good.toUpperCase()],
    ['several signatures, one valid', `${'0'.repeat(64)} ${good}`],
    ['base64 instead of hex', createHmac('sha256', secret).update(body).digest('base64')],
  ];
  for (const [name, header] of forged) {
    it(`refuses ${name} without throwing`, () =>
      assert.equal(verifySentrySignature(body, header, secret), false));
  }
});

describe('Standard Webhooks', () => {
  const secret = generateWebhookSecret();
  const body = Buffer.from('{"summary":"x"}');
  const now = Date.UTC(2026, 10, 22, 9);
  const ts = now / 1000;
  const headers = (
    overrides: Partial<{ id: string; timestamp: string; signature: string }> = {},
  ) => ({
    id: 'msg_1',
    timestamp: String(ts),
    signature: signStandardWebhook(body, 'msg_1', ts, secret),
    ...overrides,
  });

  it('generates secrets in the whsec_ form', () => {
    assert.equal(isWebhookSecret(secret), true);
    assert.equal(isWebhookSecret('whsec_short'), false);
    assert.equal(isWebhookSecret('plain'), false);
  });

  it('accepts a valid signature, also among several (rotation)', () => {
    assert.deepEqual(verifyStandardWebhook(body, headers(), secret, now), {
      ok: true,
      webhookId: 'msg_1',
    });
    const other = signStandardWebhook(body, 'msg_1', ts, generateWebhookSecret());
    assert.equal(
      verifyStandardWebhook(
        body,
        headers({ signature: `${other} ${headers().signature}` }),
        secret,
        now,
      ).ok,
      true,
    );
    assert.equal(
      verifyStandardWebhook(body, headers(), secret, now + 299_000).ok,
      true,
      'within tolerance',
    );
  });

  const refused: [string, ReturnType<typeof headers>, string, Buffer?][] = [
    ['a tampered body', headers(), 'signature_invalid', Buffer.from('{"summary":"y"}')],
    [
      'the wrong secret',
      headers({ signature: signStandardWebhook(body, 'msg_1', ts, generateWebhookSecret()) }),
      'signature_invalid',
    ],
    ['another id', headers({ id: 'msg_2' }), 'signature_invalid'],
    [
      'a truncated signature',
      headers({ signature: headers().signature.slice(0, 20) }),
      'signature_invalid',
    ],
    [
      'an unknown version',
      headers({ signature: headers().signature.replace('v1,', 'v2,') }),
      'signature_invalid',
    ],
    ['an empty signature', headers({ signature: '' }), 'signature_invalid'],
    [
      'a timestamp 6 minutes old',
      headers({
        timestamp: String(ts - 360),
        signature: signStandardWebhook(body, 'msg_1', ts - 360, secret),
      }),
      'timestamp_out_of_tolerance',
    ],
    [
      'a timestamp 6 minutes ahead',
      headers({
        timestamp: String(ts + 360),
        signature: signStandardWebhook(body, 'msg_1', ts + 360, secret),
      }),
      'timestamp_out_of_tolerance',
    ],
    ['a non-numeric timestamp', headers({ timestamp: 'soon' }), 'signature_invalid'],
  ];
  for (const [name, h, code, otherBody] of refused) {
    it(`refuses ${name} with ${code}`, () => {
      const result = verifyStandardWebhook(otherBody ?? body, h, secret, now);
      if (result.ok) assert.fail('expected a refusal');
      assert.equal(result.code, code);
    });
  }

  it('refuses missing headers', () => {
    assert.equal(
      verifyStandardWebhook(
        body,
        { id: undefined, timestamp: String(ts), signature: 'v1,x' },
        secret,
        now,
      ).ok,
      false,
    );
  });
});
