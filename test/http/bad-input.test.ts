import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines } from '../harness/engines.ts';
import { rowCounts } from '../harness/row-counts.ts';
import { ownerPassword, setupOwner, startTestApp, type TestApp } from '../harness/test-app.ts';
import type { HttpClient } from '../harness/http-client.ts';

/**
 * A valid body for every route that takes one. A new route with a body must add an example
 * here, so the hostile inputs below are tried on it too.
 */
const validBodies: Record<string, Record<string, unknown>> = {
  'POST /api/setup/owner': {
    email: 'someone@example.com',
    name: 'Someone',
    password: ownerPassword,
  },
  'POST /api/auth/login': { email: 'owner@example.com', password: ownerPassword },
  'POST /api/me/password': { currentPassword: ownerPassword, newPassword: ownerPassword },
  'POST /api/users': {
    email: 'new@example.com',
    name: 'New',
    role: 'viewer',
    password: ownerPassword,
  },
  'PATCH /api/users/:id': { name: 'Renamed' },
  'POST /api/me/tokens': { name: 'token', scopes: ['alerts:read'] },
  'POST /api/services': { name: 'payments', description: 'Takes money' },
  'PATCH /api/services/:id': { description: 'Takes money' },
  'POST /api/integrations': { serviceId: 'some-service', type: 'generic', name: 'Scripts' },
  'PATCH /api/integrations/:id': { name: 'Scripts' },
  'POST /api/integrations/:id/rotate-key': { overlapMinutes: 10 },
  'PATCH /api/incidents/:id': { title: 'Checkout is down' },
  'POST /api/incidents/:id/acknowledge': { note: 'looking' },
  'POST /api/incidents/:id/resolve': { note: 'fixed' },
  'POST /api/incidents/:id/reopen': { note: 'back again' },
  'POST /api/incidents/:id/merge': { into: '1', note: 'same problem' },
  'POST /api/incidents/:id/split': { alertIds: ['a'], title: 'Separate problem' },
  'PATCH /api/services/:id/noise-rules': { groupWaitSeconds: 10 },
  'PUT /api/services/:id/dependencies': { dependsOn: [] },
  'POST /api/silences': {
    reason: 'Database failover drill',
    endsAt: '2099-01-01T00:00:00Z',
    matchers: [{ label: 'alertname', op: '=', value: 'DbDown' }],
  },
};

function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** The first string-valued field of a body, for the wrong-type cases (undefined when it has none). */
function firstStringField(body: Record<string, unknown>): string | undefined {
  return Object.keys(body).find((k) => typeof body[k] === 'string');
}

interface Case {
  name: string;
  raw: string | Buffer;
  contentType?: string;
  status: number;
  code: string;
  field?: string;
}

function casesFor(body: Record<string, unknown>): Case[] {
  const json = JSON.stringify(body);
  const stringField = firstStringField(body);
  return [
    { name: 'truncated JSON', raw: json.slice(0, -3), status: 400, code: 'invalid_json' },
    { name: 'trailing comma', raw: `${json.slice(0, -1)},}`, status: 400, code: 'invalid_json' },
    { name: 'a bare string', raw: '"hello"', status: 400, code: 'invalid_request' },
    { name: 'an array', raw: '[]', status: 400, code: 'invalid_request' },
    { name: 'null', raw: 'null', status: 400, code: 'invalid_request' },
    { name: 'an empty body', raw: '', status: 400, code: 'empty_body' },
    { name: 'whitespace only', raw: '  \n ', status: 400, code: 'empty_body' },
    {
      name: 'text/plain',
      raw: json,
      contentType: 'text/plain',
      status: 415,
      code: 'unsupported_media_type',
    },
    {
      name: 'a form post',
      raw: 'a=b',
      contentType: 'application/x-www-form-urlencoded',
      status: 415,
      code: 'unsupported_media_type',
    },
    {
      name: 'multipart',
      raw: '--x\r\n\r\n--x--',
      contentType: 'multipart/form-data; boundary=x',
      status: 415,
      code: 'unsupported_media_type',
    },
    {
      name: 'a non-UTF-8 charset',
      raw: json,
      contentType: 'application/json; charset=latin1',
      status: 415,
      code: 'unsupported_media_type',
    },
    {
      name: 'over 1 MiB',
      raw: JSON.stringify({ ...body, pad: 'x'.repeat(1_048_577) }),
      status: 413,
      code: 'payload_too_large',
    },
    { name: 'nesting 40 deep', raw: nested(40), status: 400, code: 'too_deep' },
    { name: 'nesting 100,000 deep', raw: nested(100_000), status: 400, code: 'too_deep' },
    {
      name: 'a __proto__ key',
      raw: `{"__proto__":{"polluted":true},${json.slice(1)}`,
      status: 400,
      code: 'forbidden_key',
      field: '__proto__',
    },
    {
      name: 'a constructor.prototype key',
      raw: `{"constructor":{"prototype":{"polluted":true}},${json.slice(1)}`,
      status: 400,
      code: 'forbidden_key',
    },
    {
      name: 'invalid UTF-8',
      raw: Buffer.concat([
        Buffer.from(json.slice(0, -2)),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('"}'),
      ]),
      status: 400,
      code: 'invalid_utf8',
    },
    {
      name: 'an unknown field',
      raw: JSON.stringify({ ...body, isAdmin: true }),
      status: 400,
      code: 'invalid_request',
      field: 'isAdmin',
    },
    ...(stringField === undefined
      ? []
      : [
          {
            name: 'a number where text belongs',
            raw: JSON.stringify({ ...body, [stringField]: 12 }),
            status: 400,
            code: 'invalid_request',
            field: stringField,
          },
          {
            name: 'text over the length limit',
            raw: JSON.stringify({ ...body, [stringField]: 'x'.repeat(5000) }),
            status: 400,
            code: 'invalid_request',
            field: stringField,
          },
        ]),
  ];
}

for (const engine of engines) {
  describe(`bad input to every API route with a body (${engine.name})`, () => {
    let t: TestApp;
    let owner: HttpClient;
    let ownerId: string;
    before(async () => {
      t = await startTestApp(engine);
      owner = await setupOwner(t);
      ownerId = (await owner.get('/api/me')).json.id;
    });
    after(() => t.close());

    it('has an example body for every route that takes one', () => {
      const withBody = t.app.steady.routes.filter(
        (r) => r.hasBody && !r.url.startsWith('/api/intake') && !r.url.startsWith('/v2/'),
      );
      for (const route of withBody) {
        assert.ok(
          validBodies[`${route.method} ${route.url}`],
          `add an example body for ${route.method} ${route.url} to this test`,
        );
      }
    });

    for (const [route, body] of Object.entries(validBodies)) {
      for (const badCase of casesFor(body)) {
        it(`${route}: ${badCase.name} → ${badCase.status} ${badCase.code}, nothing written`, async () => {
          const [method, path] = route.split(' ') as [string, string];
          const url = path.replace(':id', ownerId);
          const before = await rowCounts(t.app.steady.ctx.store);
          const response = await owner.request(method, url, undefined, {
            raw: badCase.raw,
            headers: { 'content-type': badCase.contentType ?? 'application/json' },
          });
          assert.equal(response.status, badCase.status, response.text.slice(0, 300));
          assert.equal(response.json.error.code, badCase.code, response.text.slice(0, 300));
          assert.equal(typeof response.json.error.message, 'string');
          assert.ok(response.json.error.message.length > 10);
          if (badCase.field !== undefined) assert.equal(response.json.error.field, badCase.field);
          assert.match(String(response.headers['content-type']), /^application\/json/);
          assert.deepEqual(await rowCounts(t.app.steady.ctx.store), before);
          assert.equal(({} as Record<string, unknown>).polluted, undefined);
        });
      }
    }

    it('answers a body sent without a content type with 415', async () => {
      const response = await owner.request('POST', '/api/me/tokens', undefined, {
        raw: '{"name":"x","scopes":["alerts:read"]}',
      });
      assert.equal(response.status, 415);
    });

    it('answers an unknown API path with a JSON 404', async () => {
      const response = await owner.get('/api/nothing-here');
      assert.equal(response.status, 404);
      assert.equal(response.json.error.code, 'not_found');
    });

    it('answers a bad query string with a 400 naming the parameter', async () => {
      const response = await owner.get('/api/audit-log?limit=100000');
      assert.equal(response.status, 400);
      assert.equal(response.json.error.field, 'limit');
      const unknown = await owner.get('/api/audit-log?sort=evil');
      assert.equal(unknown.status, 400);
      assert.equal(unknown.json.error.field, 'sort');
      const cursor = await owner.get('/api/audit-log?cursor=garbage');
      assert.equal(cursor.status, 400);
      assert.equal(cursor.json.error.field, 'cursor');
    });

    it('stores NUL and lone surrogates in any text as U+FFFD, the same on both engines', async () => {
      // PostgreSQL text cannot hold NUL: this used to be a 500 there and a 201 on SQLite.
      const service = await owner.post('/api/services', {
        name: 'nul-svc',
        description: 'before\u0000after \uD800 end',
      });
      assert.equal(service.status, 201, service.text);
      assert.equal(service.json.description, 'before\uFFFDafter \uFFFD end');
      const read = await owner.get(`/api/services/${service.json.id}`);
      assert.equal(read.json.description, 'before\uFFFDafter \uFFFD end');
      const silence = await owner.post('/api/silences', {
        reason: 'drill\u0000',
        endsAt: '2099-01-01T00:00:00Z',
        matchers: [{ label: 'alert\u0000name', op: '=', value: 'Db\u0000Down' }],
      });
      assert.equal(silence.status, 201, silence.text);
      assert.equal(silence.json.reason, 'drill\uFFFD');
      // In a query string and a path parameter: an ordinary search, an ordinary unknown id.
      const search = await owner.get('/api/alerts?q=%00');
      assert.equal(search.status, 200, search.text);
      const unknown = await owner.get('/api/incidents/%00');
      assert.ok([400, 404].includes(unknown.status), unknown.text);
    });

    it('says what is wrong with every field in words, never as a regex', async () => {
      // `"email" must match pattern "^\s*[^\s@]+@…"` reached the web app before.
      const user = await owner.post('/api/users', {
        email: 'not an address',
        name: '',
        role: 'superuser',
        password: ownerPassword,
      });
      assert.equal(user.status, 400, user.text);
      assert.equal(user.json.error.field, 'email');
      assert.doesNotMatch(user.text, /pattern|\^|anyOf/);
      assert.deepEqual(
        (user.json.error.fields as { field: string; message: string }[]).map((f) => [
          f.field,
          f.message,
        ]),
        [
          ['email', '"email" must be an email address, such as ada@example.com.'],
          ['name', '"name" must not be empty.'],
          ['role', '"role" must be one of viewer, responder, admin, owner.'],
        ],
      );
      const service = await owner.post('/api/services', { name: 'Checkout API' });
      assert.equal(service.status, 400);
      assert.match(
        service.json.error.message,
        /^"name" must be lower-case letters, digits, dots, dashes or underscores/,
      );
    });
  });
}
