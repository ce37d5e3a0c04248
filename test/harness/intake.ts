import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IntegrationType } from '../../src/contracts/integration-types.ts';
import type { HttpClient, TestResponse } from './http-client.ts';
import { repoRoot } from './server-process.ts';
import type { TestApp } from './test-app.ts';

/** A sample body from test/fixtures/payloads (the shared reference payloads). */
export function samplePayload(name: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(path.join(repoRoot, 'test', 'fixtures', 'payloads', name), 'utf8'),
  ) as Record<string, unknown>;
}

export const sentrySecret = 'sentry-client-secret-for-tests';

export interface Wired {
  serviceId: string;
  keys: Record<IntegrationType, string>;
  ids: Record<IntegrationType, string>;
  /** Set when the generic integration signs requests. */
  webhookSecret: string | null;
}

/** Creates a service with one integration of every type (the generic one signed when asked). */
export async function wireService(
  owner: HttpClient,
  name = 'checkout-api',
  options: { signedGeneric?: boolean } = {},
): Promise<Wired> {
  const service = await owner.post('/api/services', {
    name,
    description: `${name} service`,
    team: 'payments',
  });
  if (service.status !== 201) throw new Error(`service: ${service.status} ${service.text}`);
  const keys = {} as Record<IntegrationType, string>;
  const ids = {} as Record<IntegrationType, string>;
  let webhookSecret: string | null = null;
  for (const type of [
    'pagerduty',
    'alertmanager',
    'grafana',
    'sentry',
    'generic',
    'heartbeat',
  ] as const) {
    const body: Record<string, unknown> = {
      serviceId: service.json.id,
      type,
      name: `${name} ${type}`,
    };
    if (type === 'sentry') body.signingSecret = sentrySecret;
    if (type === 'generic' && options.signedGeneric === true) body.generateSigningSecret = true;
    if (type === 'heartbeat') body.heartbeat = { periodSeconds: 3600, graceSeconds: 600 };
    const created = await owner.post('/api/integrations', body);
    if (created.status !== 201)
      throw new Error(`integration ${type}: ${created.status} ${created.text}`);
    keys[type] = created.json.key;
    ids[type] = created.json.integration.id;
    if (typeof created.json.signingSecret === 'string') webhookSecret = created.json.signingSecret;
  }
  return { serviceId: service.json.id, keys, ids, webhookSecret };
}

/** POSTs raw bytes or JSON to an intake URL the way a monitoring tool would. */
export function send(
  t: TestApp,
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<TestResponse> {
  const raw = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  return t.client().request('POST', url, undefined, {
    raw,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** Runs the pipeline until every committed event is processed. */
export async function drain(t: TestApp): Promise<void> {
  await t.app.steady.intakeWriter.flush();
  await t.app.steady.pipeline.drain();
}
