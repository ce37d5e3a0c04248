import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// Webhook signatures, always over the raw body bytes and compared in constant time over
// fixed-length digests (timingSafeEqual throws on a length mismatch, so lengths are checked
// first and a wrong length is simply "no match").

function sameDigest(candidate: Buffer, expected: Buffer): boolean {
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}

/**
 * Sentry-Hook-Signature: the lower-case hex HMAC-SHA256 of the body with the integration's
 * client secret. Anything else (missing, truncated, upper-case, several values) is refused.
 */
export function verifySentrySignature(
  body: Buffer,
  header: string | undefined,
  clientSecret: string,
): boolean {
  if (header === undefined || !/^[0-9a-f]{64}$/.test(header)) return false;
  const expected = createHmac('sha256', clientSecret).update(body).digest();
  return sameDigest(Buffer.from(header, 'hex'), expected);
}

/** A new Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** True when `secret` has the Standard Webhooks form with 24 to 64 bytes of key. */
export function isWebhookSecret(secret: string): boolean {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  if (match?.[1] === undefined) return false;
  const length = Buffer.from(match[1], 'base64').length;
  return length >= 24 && length <= 64;
}

export type StandardWebhookCheck =
  | { ok: true; webhookId: string }
  | { ok: false; code: 'signature_invalid' | 'timestamp_out_of_tolerance'; message: string };

/** Seconds a Standard Webhooks timestamp may differ from now (the spec's 5 minutes). */
export const webhookToleranceSeconds = 300;

/**
 * Standard Webhooks v1: `webhook-signature` holds space-separated `v1,<base64>` values, any of
 * which may match the HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` (several allow
 * secret rotation). The timestamp must be within ±5 minutes of `nowMs`.
 */
export function verifyStandardWebhook(
  body: Buffer,
  headers: { id: string | undefined; timestamp: string | undefined; signature: string | undefined },
  secret: string,
  nowMs: number,
): StandardWebhookCheck {
  const { id, timestamp, signature } = headers;
  if (
    id === undefined ||
    id === '' ||
    id.length > 256 ||
    timestamp === undefined ||
    signature === undefined ||
    signature === ''
  ) {
    return {
      ok: false,
      code: 'signature_invalid',
      message: 'Send the webhook-id, webhook-timestamp and webhook-signature headers.',
    };
  }
  if (!/^\d{1,12}$/.test(timestamp))
    return {
      ok: false,
      code: 'signature_invalid',
      message: 'webhook-timestamp must be whole seconds since the epoch.',
    };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > webhookToleranceSeconds) {
    return {
      ok: false,
      code: 'timestamp_out_of_tolerance',
      message: `webhook-timestamp is more than ${webhookToleranceSeconds} s away from now; check the sender's clock.`,
    };
  }
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
  for (const part of signature.split(' ')) {
    const [version, value] = part.split(',', 2);
    if (
      version === 'v1' &&
      value !== undefined &&
      /^[A-Za-z0-9+/]+={0,2}$/.test(value) &&
      sameDigest(Buffer.from(value, 'base64'), expected)
    ) {
      return { ok: true, webhookId: id };
    }
  }
  return {
    ok: false,
    code: 'signature_invalid',
    message: 'No webhook-signature matches the body; check the signing secret.',
  };
}

/** Signs a body the Standard Webhooks way (for tests, examples and Steady's own outbound webhooks). */
export function signStandardWebhook(
  body: string | Buffer,
  id: string,
  timestampSeconds: number,
  secret: string,
): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.`).update(body).digest('base64')}`;
}
