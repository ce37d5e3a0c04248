import { hash, randomBytes } from 'node:crypto';
import type { IntegrationType } from '../../contracts/integration-types.ts';

// Integration keys are 128 random bits as 32 lower-case hex characters: the shape of a
// PagerDuty routing key, so clients that check it accept Steady's. Heartbeat keys are the
// same bits written as a UUID, the shape of a healthchecks.io ping URL.

/** A new key for an integration of `type`. */
export function generateIntegrationKey(type: IntegrationType): string {
  const hex = randomBytes(16).toString('hex');
  return type === 'heartbeat'
    ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
    : hex;
}

/** The 32 hex characters of a key as written in a URL or body, or null when it cannot be one. */
export function canonicalKey(candidate: string): string | null {
  if (/^[0-9a-f]{32}$/.test(candidate)) return candidate;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(candidate))
    return candidate.replaceAll('-', '');
  return null;
}

/** What is stored instead of the key. */
export function hashIntegrationKey(canonical: string): string {
  return hash('sha256', canonical);
}

/** The part shown in lists and logs. */
export function keyPrefix(key: string): string {
  return `${key.slice(0, 6)}…`;
}
