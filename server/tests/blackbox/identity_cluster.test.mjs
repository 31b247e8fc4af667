// Identity across instances (docs/architecture.md "Identity and permissions"): two instances on
// one PostgreSQL database and one Redis in AUTH_MODE=accounts. Each instance caches resolved
// credentials; a revocation on one (key revoke, logout, password change, account disabled) must
// reach the other's cache at once through `auth:revoke` on the event bus.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { startStack, call, assertError } from './support.mjs';
import { JWT_SECRET, PASSWORD, unique, until, sessionCookie, withCookie, bearer, signup, login, openSse } from './identity_support.mjs';

const pg = process.env.LSO_TEST_POSTGRES_URL;
const redis = process.env.LSO_TEST_REDIS_URL;
if ((!pg || !redis) && (process.env.LSO_REQUIRE_REDIS === '1' || process.env.LSO_REQUIRE_POSTGRES === '1'))
  throw new Error('production-mode tests need LSO_TEST_POSTGRES_URL and LSO_TEST_REDIS_URL');

// A revocation seen by the other instance within this long counts as "at once".
const PROPAGATION_MS = 1000;

describe('identity on two instances (PostgreSQL + Redis, AUTH_MODE=accounts)', { skip: !pg || !redis ? 'needs LSO_TEST_POSTGRES_URL and LSO_TEST_REDIS_URL' : false }, () => {
  let a, b, admin;
  // Redis is shared with other runs: login throttling counters are keyed by account and client
  // address, so this run signs in from its own (made-up, proxy-reported) address.
  const client = { 'x-forwarded-for': `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}` };
  const env = {
    AUTH_MODE: 'accounts', AUTH_JWT_SECRET: JWT_SECRET, RATE_LIMIT_ENABLED: 'false', REDIS_URL: redis, TRUST_PROXY: '1',
    AUTH_LOGIN_MAX_FAILURES: '3', AUTH_LOGIN_WINDOW_SECONDS: '120',
  };
  const me = (s, headers) => call(s.base, 'GET', '/api/v1/auth/me', { headers: { ...client, ...headers } });
  // The credential works on B, and B has it cached (the second lookup is served from memory).
  const warm = async (headers) => {
    for (let i = 0; i < 2; i++) assert.equal((await me(b, headers)).status, 200);
  };
  const refusedOnB = async (headers, what) => {
    const t0 = Date.now();
    await until(async () => (await me(b, headers)).status === 401, PROPAGATION_MS, `${what} to reach instance B`);
    return Date.now() - t0;
  };

  before(async () => {
    a = await startStack({ backend: 'postgresql', env });
    b = await startStack({ backend: 'postgresql', env: { ...env, DATABASE_URL: a.databaseUrl } });
    admin = await signup(a.base, 'admin', 'Admin', client);
    assert.equal(admin.user.admin, true);
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('both instances are in production mode on one database', async () => {
    for (const s of [a, b]) {
      const h = (await call(s.base, 'GET', '/health')).body;
      const data = h.data ?? h;
      assert.equal(data.mode, 'production');
      assert.equal(data.services.auth.mode, 'accounts');
    }
    // An account made on A signs in on B.
    assert.equal((await login(b.base, 'admin', PASSWORD, client)).status, 200);
  });

  it('an API key revoked on A is refused on B within 1 s', async () => {
    const k = (await call(a.base, 'POST', '/api/v1/api-keys', { headers: { ...client, ...admin.headers }, json: { name: 'cross', scopes: ['read'] } })).body.data;
    await warm(bearer(k.key));
    assert.equal((await call(a.base, 'DELETE', `/api/v1/api-keys/${k.id}`, { headers: { ...client, ...admin.headers } })).status, 200);
    await refusedOnB(bearer(k.key), 'the key revocation');
    assertError(assert, await call(b.base, 'GET', '/api/v1/livestreams', { headers: bearer(k.key) }), 401);
  });

  it('a session logged out on A is refused on B within 1 s', async () => {
    const session = withCookie(sessionCookie(await login(a.base, 'admin', PASSWORD, client)));
    await warm(session);
    assert.equal((await call(a.base, 'POST', '/api/v1/auth/logout', { headers: { ...client, ...session } })).status, 200);
    await refusedOnB(session, 'the logout');
  });

  it('a password change on A ends the other sessions on B within 1 s', async () => {
    const name = unique('pw').replace(/-/g, '_').slice(0, 32);
    const first = await signup(a.base, name, 'Changer', client);
    const other = withCookie(sessionCookie(await login(b.base, name, PASSWORD, client)));
    await warm(other);
    const changed = await call(a.base, 'POST', '/api/v1/auth/password', { headers: { ...client, ...first.headers }, json: { currentPassword: PASSWORD, newPassword: 'another password' } });
    assert.equal(changed.status, 200, changed.text);
    await refusedOnB(other, 'the password change');
    assert.equal((await me(b, withCookie(sessionCookie(changed)))).status, 200, 'the rotated session works on B');
  });

  it('an account disabled on A is out on B within 1 s; promoted on A is admin on B at once', async () => {
    const name = unique('dis').replace(/-/g, '_').slice(0, 32);
    assert.equal((await call(a.base, 'POST', '/api/v1/users', { headers: { ...client, ...admin.headers }, json: { username: name, password: PASSWORD } })).status, 201);
    const session = withCookie(sessionCookie(await login(b.base, name, PASSWORD, client)));
    await warm(session);
    assertError(assert, await call(b.base, 'GET', '/api/v1/users', { headers: session }), 403);
    assert.equal((await call(a.base, 'PATCH', `/api/v1/users/${name}`, { headers: { ...client, ...admin.headers }, json: { admin: true } })).status, 200);
    await until(async () => (await call(b.base, 'GET', '/api/v1/users', { headers: session })).status === 200, PROPAGATION_MS, 'the promotion to reach instance B');
    assert.equal((await call(a.base, 'PATCH', `/api/v1/users/${name}`, { headers: { ...client, ...admin.headers }, json: { disabled: true } })).status, 200);
    await refusedOnB(session, 'the disabled account');
  });

  it('an SSE ticket issued by A opens a stream on B', async () => {
    const l = await call(a.base, 'POST', '/api/v1/livestreams', { headers: { ...client, ...admin.headers }, json: { roomName: unique('tk'), title: 'T', visibility: 'private' } });
    assert.equal(l.status, 201, l.text);
    const t = (await call(a.base, 'POST', '/api/v1/events/ticket', { headers: { ...client, ...admin.headers } })).body.data.ticket;
    const r = await openSse(b.base, `/api/v1/livestreams/${l.body.data.id}/events?ticket=${encodeURIComponent(t)}`, {}, { firstEvent: true });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.event.event, 'state');
  });

  it('login throttling counts failures on both instances together', async () => {
    const name = unique('thr').replace(/-/g, '_').slice(0, 32);
    await signup(a.base, name, 'Throttled', client);
    assertError(assert, await login(a.base, name, 'wrong password 1', client), 401);
    assertError(assert, await login(b.base, name, 'wrong password 2', client), 401);
    assertError(assert, await login(a.base, name, 'wrong password 3', client), 401);
    const r = await login(b.base, name, 'wrong password 4', client);
    assertError(assert, r, 429, 'RateLimitError');
    assert.ok(Number(r.headers.get('retry-after')) > 0);
  });
});
