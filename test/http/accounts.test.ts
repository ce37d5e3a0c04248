import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines } from '../harness/engines.ts';
import {
  ownerPassword,
  setupOwner,
  startTestApp,
  userWithRole,
  type TestApp,
} from '../harness/test-app.ts';

for (const engine of engines) {
  describe(`accounts (${engine.name})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
    });
    after(() => t.close());

    it('offers owner creation on first run, once', async () => {
      const anonymous = t.client();
      assert.deepEqual((await anonymous.get('/api/setup')).json, { needsOwner: true });

      const owner = await setupOwner(t);
      const session = await owner.get('/api/auth/session');
      assert.equal(session.status, 200);
      assert.equal(session.json.user.role, 'owner');
      assert.equal(session.json.user.email, 'owner@example.com');
      assert.equal('passwordHash' in session.json.user, false);

      assert.deepEqual((await anonymous.get('/api/setup')).json, { needsOwner: false });
      const again = await anonymous.post('/api/setup/owner', {
        email: 'intruder@example.com',
        name: 'X',
        password: ownerPassword,
      });
      assert.equal(again.status, 409);
      assert.equal(again.json.error.code, 'setup_already_done');
    });

    it('sets an HttpOnly SameSite=Lax session cookie with a fresh id on every login', async () => {
      const first = t.client();
      const a = await first.post('/api/auth/login', {
        email: 'OWNER@example.com ',
        password: ownerPassword,
      });
      assert.equal(a.status, 200, a.text);
      const cookie = String(a.headers['set-cookie']);
      assert.match(
        cookie,
        /^steady_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=604800$/,
      );
      const firstCookie = first.cookie;
      const b = await first.post('/api/auth/login', {
        email: 'owner@example.com',
        password: ownerPassword,
      });
      assert.equal(b.status, 200);
      assert.notEqual(first.cookie, firstCookie);
      // The session the second login replaced is gone.
      const stale = t.client();
      stale.cookie = firstCookie;
      assert.equal((await stale.get('/api/auth/session')).status, 401);
    });

    it('answers a wrong password and an unknown email with the same generic error', async () => {
      const client = t.client();
      const wrong = await client.post('/api/auth/login', {
        email: 'owner@example.com',
        password: 'not the password at all',
      });
      const unknown = await client.post('/api/auth/login', {
        email: 'nobody@example.com',
        password: 'not the password at all',
      });
      assert.equal(wrong.status, 401);
      assert.equal(unknown.status, 401);
      assert.deepEqual(
        { code: wrong.json.error.code, message: wrong.json.error.message },
        { code: unknown.json.error.code, message: unknown.json.error.message },
      );
      assert.equal(client.cookie, null);
    });

    it('locks an account after repeated failures, with Retry-After, and never says which emails exist', async () => {
      const client = t.client();
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        statuses.push(
          (
            await client.post('/api/auth/login', {
              email: 'victim@example.com',
              password: `guess number ${i}`,
            })
          ).status,
        );
      }
      assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
      const locked = await client.post('/api/auth/login', {
        email: 'victim@example.com',
        password: 'guess again now',
      });
      assert.equal(locked.status, 429);
      assert.equal(locked.json.error.code, 'too_many_attempts');
      assert.match(String(locked.headers['retry-after']), /^\d+$/);
      t.clock.advance(60_000);
      assert.equal(
        (
          await client.post('/api/auth/login', {
            email: 'victim@example.com',
            password: 'guess after wait',
          })
        ).status,
        401,
      );
    });

    it('keeps the owner able to log in while an attacker fails from another address', async () => {
      // Five failures used to lock the account for everyone: anyone could keep the owner out.
      const login = (password: string, remoteAddress: string) =>
        t.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          remoteAddress,
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ email: 'owner@example.com', password }),
        });
      const attacker: number[] = [];
      for (let i = 0; i < 10; i++)
        attacker.push((await login(`attacker guess ${i}`, '203.0.113.9')).statusCode);
      assert.deepEqual(attacker.slice(0, 5), [401, 401, 401, 401, 401]);
      assert.equal(attacker[5], 429, 'the attacker’s address is slowed');
      const owner = await login(ownerPassword, '198.51.100.7');
      assert.equal(owner.statusCode, 200, owner.body);
      const stillLocked = await login(ownerPassword, '203.0.113.9');
      assert.equal(stillLocked.statusCode, 429, 'the attacker’s address stays locked');
    });

    it('refuses common and breached passwords, saying why', async () => {
      const owner = t.client();
      const login = await owner.post('/api/auth/login', {
        email: 'owner@example.com',
        password: ownerPassword,
      });
      assert.equal(login.status, 200, login.text);
      for (const password of [
        'password1234',
        '123456789012',
        'qwertyuiopas',
        'passwordpassword',
        'Password123!',
      ]) {
        const weak = await owner.post('/api/me/password', {
          currentPassword: ownerPassword,
          newPassword: password,
        });
        assert.equal(weak.status, 400, `${password}: ${weak.text}`);
        assert.equal(weak.json.error.code, 'weak_password');
        assert.match(weak.json.error.message, /Choose another password: it /);
        const user = await owner.post('/api/users', {
          email: 'common@example.com',
          name: 'Common',
          role: 'viewer',
          password,
        });
        assert.equal(user.status, 400, `${password}: ${user.text}`);
        assert.equal(user.json.error.code, 'weak_password');
      }
    });

    it('ends the session on logout and clears the cookie', async () => {
      const client = t.client();
      await client.post('/api/auth/login', { email: 'owner@example.com', password: ownerPassword });
      const cookie = client.cookie;
      const out = await client.post('/api/auth/logout');
      assert.equal(out.status, 204);
      assert.match(String(out.headers['set-cookie']), /Max-Age=0/);
      const replay = t.client();
      replay.cookie = cookie;
      assert.equal((await replay.get('/api/auth/session')).status, 401);
    });

    it('expires a session after the idle timeout and after the absolute lifetime', async () => {
      const client = t.client();
      await client.post('/api/auth/login', { email: 'owner@example.com', password: ownerPassword });
      t.clock.advance((t.config.sessionIdleMinutes - 1) * 60_000);
      assert.equal(
        (await client.get('/api/auth/session')).status,
        200,
        'activity within the idle window keeps it',
      );
      t.clock.advance((t.config.sessionIdleMinutes - 1) * 60_000);
      assert.equal((await client.get('/api/auth/session')).status, 200);
      t.clock.advance(t.config.sessionIdleMinutes * 60_000 + 1);
      assert.equal((await client.get('/api/auth/session')).status, 401, 'idle too long');

      const busy = t.client();
      await busy.post('/api/auth/login', { email: 'owner@example.com', password: ownerPassword });
      const lifetime = t.config.sessionMaxDays * 86_400_000;
      for (let elapsed = 0; elapsed < lifetime; elapsed += 3_600_000) {
        t.clock.advance(3_600_000);
        if (elapsed + 3_600_000 >= lifetime) break;
        await busy.get('/api/auth/session');
      }
      assert.equal((await busy.get('/api/auth/session')).status, 401, 'absolute lifetime reached');
    });

    it('changes the password, ending every session and starting a new one', async () => {
      const phone = t.client();
      await phone.post('/api/auth/login', { email: 'owner@example.com', password: ownerPassword });
      const laptop = t.client();
      await laptop.post('/api/auth/login', { email: 'owner@example.com', password: ownerPassword });

      const wrong = await laptop.post('/api/me/password', {
        currentPassword: 'not it at all',
        newPassword: 'a brand new passphrase',
      });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.json.error.field, 'currentPassword');

      const weak = await laptop.post('/api/me/password', {
        currentPassword: ownerPassword,
        newPassword: 'aaaaaaaaaaaaaa',
      });
      assert.equal(weak.status, 400);
      assert.equal(weak.json.error.code, 'weak_password');

      const before = laptop.cookie;
      const changed = await laptop.post('/api/me/password', {
        currentPassword: ownerPassword,
        newPassword: 'a brand new passphrase',
      });
      assert.equal(changed.status, 200, changed.text);
      assert.notEqual(laptop.cookie, before);
      assert.equal((await laptop.get('/api/auth/session')).status, 200);
      assert.equal((await phone.get('/api/auth/session')).status, 401);
      assert.equal(
        (
          await t
            .client()
            .post('/api/auth/login', { email: 'owner@example.com', password: ownerPassword })
        ).status,
        401,
      );
      const back = await laptop.post('/api/me/password', {
        currentPassword: 'a brand new passphrase',
        newPassword: ownerPassword,
      });
      assert.equal(back.status, 200);
    });

    it('lists and revokes own sessions', async () => {
      const a = t.client();
      await a.post('/api/auth/login', { email: 'owner@example.com', password: ownerPassword });
      const b = t.client();
      await b.post('/api/auth/login', { email: 'owner@example.com', password: ownerPassword });
      const list = await a.get('/api/me/sessions');
      assert.equal(list.status, 200);
      const other = list.json.items.find((s: { current: boolean }) => !s.current);
      assert.ok(other);
      assert.equal(list.json.items.filter((s: { current: boolean }) => s.current).length, 1);
      assert.equal((await a.delete(`/api/me/sessions/${other.id}`)).status, 204);
      assert.equal((await a.delete(`/api/me/sessions/${other.id}`)).status, 404);
    });

    it('lets admins manage users within their rank and protects the last owner', async () => {
      const owner = t.client();
      await owner.post('/api/auth/login', { email: 'owner@example.com', password: ownerPassword });
      const admin = await userWithRole(t, owner, 'admin', 'admin@example.com');

      const made = await admin.post('/api/users', {
        email: 'resp@example.com',
        name: 'Rae',
        role: 'responder',
        password: ownerPassword,
      });
      assert.equal(made.status, 201, made.text);
      const dupe = await admin.post('/api/users', {
        email: 'RESP@example.com',
        name: 'Rae 2',
        role: 'responder',
        password: ownerPassword,
      });
      assert.equal(dupe.status, 409);
      assert.equal(dupe.json.error.code, 'email_taken');
      assert.equal(
        (
          await admin.post('/api/users', {
            email: 'o2@example.com',
            name: 'O',
            role: 'owner',
            password: ownerPassword,
          })
        ).status,
        403,
      );

      const responder = t.client();
      await responder.post('/api/auth/login', {
        email: 'resp@example.com',
        password: ownerPassword,
      });
      assert.equal((await responder.get('/api/auth/session')).status, 200);
      const promoted = await admin.patch(`/api/users/${made.json.id}`, { role: 'admin' });
      assert.equal(promoted.json.role, 'admin');
      assert.equal(
        (await responder.get('/api/auth/session')).status,
        401,
        'a role change ends sessions',
      );

      const disabled = await admin.patch(`/api/users/${made.json.id}`, { disabled: true });
      assert.equal(disabled.json.disabled, true);
      assert.equal(
        (
          await t
            .client()
            .post('/api/auth/login', { email: 'resp@example.com', password: ownerPassword })
        ).status,
        401,
      );

      const me = (await owner.get('/api/me')).json;
      assert.equal((await admin.patch(`/api/users/${me.id}`, { role: 'viewer' })).status, 403);
      const self = await owner.patch(`/api/users/${me.id}`, { role: 'viewer' });
      assert.equal(self.status, 403);
      const list = await admin.get('/api/users');
      assert.ok(list.json.items.length >= 3);
      assert.equal(
        list.json.items.some((u: Record<string, unknown>) => 'passwordHash' in u),
        false,
      );
    });

    it('keeps at least one active owner', async () => {
      const owner = t.client();
      await owner.post('/api/auth/login', { email: 'owner@example.com', password: ownerPassword });
      const second = await userWithRole(t, owner, 'owner', 'second-owner@example.com');
      const firstId = (await owner.get('/api/me')).json.id;
      const secondId = (await second.get('/api/me')).json.id;

      // With two owners, one may demote the other; then the remaining owner is the last one.
      assert.equal((await owner.patch(`/api/users/${secondId}`, { role: 'admin' })).status, 200);
      const demoted = t.client();
      await demoted.post('/api/auth/login', {
        email: 'second-owner@example.com',
        password: ownerPassword,
      });
      assert.equal(
        (await demoted.patch(`/api/users/${firstId}`, { role: 'admin' })).status,
        403,
        'an admin cannot touch an owner',
      );
      assert.equal(
        (await owner.patch(`/api/users/${firstId}`, { disabled: true })).status,
        403,
        'nobody disables themselves',
      );

      // The shell (steady user …) bypasses role rules but not the last-owner rule.
      await assert.rejects(
        t.app.steady.accounts.users.update({ kind: 'system' }, firstId, { role: 'viewer' }),
        { code: 'last_owner' },
      );
      await assert.rejects(
        t.app.steady.accounts.users.update({ kind: 'system' }, firstId, { disabled: true }),
        { code: 'last_owner' },
      );
      assert.equal((await owner.get('/api/me')).json.role, 'owner');
    });
  });
}
