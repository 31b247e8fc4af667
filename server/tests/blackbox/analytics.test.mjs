// Audience analytics: GET /api/v1/livestreams/:id/analytics answers the viewer series
// and the summary in the envelope, or CSV for Accept: text/csv; it counts what LiveKit confirmed;
// only the creator and admins read it; bad parameters are a 400 naming them. Every backend.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, call, assertError, backends } from './support.mjs';
import { event, post, until, uid } from './webhook_support.mjs';
import { signup, sessionCookie, withCookie } from './identity_support.mjs';

for (const backend of backends()) {
  describe(`analytics (${backend}, open mode)`, () => {
    let s;
    before(async () => {
      s = await startStack({ backend });
    });
    after(async () => {
      await s?.stop();
    });

    async function live(createdBy = 'host') {
      const r = await call(s.base, 'POST', '/api/v1/livestreams', {
        json: { roomName: uid('an'), title: 'Analytics', createdBy },
      });
      assert.equal(r.status, 201, r.text);
      return r.body.data;
    }
    const state = async (id) => (await call(s.base, 'GET', `/api/v1/livestreams/${id}/state`)).body.data;

    it('summarises the sessions LiveKit confirmed and gives the series in 10 s buckets', async () => {
      const l = await live();
      // An API join that never connects counts for nothing.
      const j = await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/join`, {
        json: { userId: 'ghost', displayName: 'Ghost', role: 'VIEWER' },
      });
      assert.equal(j.status, 200, j.text);
      for (const who of ['a', 'b', 'c']) {
        assert.equal((await post(s.base, event('participant_joined', l.roomName, { identity: who, sid: `PA_${l.id}_${who}` }))).status, 200);
      }
      await until(async () => (await state(l.id)).viewerCount === 3, 8000, 'three connected');
      assert.equal((await post(s.base, event('participant_left', l.roomName, { identity: 'a', sid: `PA_${l.id}_a` }))).status, 200);
      await until(async () => (await state(l.id)).viewerCount === 2, 8000, 'one left');

      const r = await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/analytics`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.success, true);
      const a = r.body.data;
      assert.equal(a.livestreamId, l.id);
      assert.equal(a.status, 'LIVE');
      assert.equal(a.resolutionSeconds, 10);
      assert.ok(Array.isArray(a.series) && a.series.length >= 1, r.text);
      for (const p of a.series) {
        assert.ok(!Number.isNaN(Date.parse(p.t)), p.t);
        assert.ok(p.min <= p.last && p.last <= p.max, JSON.stringify(p));
      }
      assert.equal(a.series.at(-1).last, 2);
      assert.equal(Math.max(...a.series.map((p) => p.max)), 3);
      assert.equal(a.summary.peakViewerCount, 3);
      assert.ok(!Number.isNaN(Date.parse(a.summary.peakAt)));
      assert.equal(a.summary.uniqueViewers, 3);
      assert.equal(a.summary.sessions, 3);  // the ghost's seat is no session
      assert.ok(a.summary.durationSeconds > 0);
      assert.ok(a.summary.totalWatchSeconds >= 0);
      assert.ok(a.summary.medianWatchSeconds >= 0);
      assert.equal(typeof a.summary.averageViewers, 'number');

      // The same series as CSV.
      const csv = await fetch(`${s.base}/api/v1/livestreams/${l.id}/analytics`, { headers: { accept: 'text/csv' } });
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type'), /^text\/csv/);
      const lines = (await csv.text()).trim().split(/\r?\n/);
      assert.equal(lines[0], 'time,min,max,last');
      assert.equal(lines.length, a.series.length + 1);
      assert.match(lines.at(-1), /^\d{4}-\d\d-\d\dT[^,]+Z,\d+,\d+,2$/);

      // Ended, the numbers stay: the record keeps peak and unique viewers, the series its history.
      const del = await call(s.base, 'DELETE', `/api/v1/livestreams/${l.id}`, { json: { requestingUserId: 'host' } });
      assert.equal(del.status, 200, del.text);
      const ended = (await call(s.base, 'GET', `/api/v1/livestreams/${l.id}`)).body.data;
      assert.equal(ended.status, 'ENDED');
      assert.equal(ended.peakViewerCount, 3);
      assert.equal(ended.totalViewers, 3);
      assert.equal(ended.viewerCount, 0);
      const after = (await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/analytics`)).body.data;
      assert.equal(after.status, 'ENDED');
      assert.equal(after.series.at(-1).last, 0);
      assert.equal(after.summary.peakViewerCount, 3);
    });

    it('takes a range and a resolution, and refuses bad ones with a 400 naming them', async () => {
      const l = await live();
      const from = new Date(Date.now() - 120_000).toISOString();
      const to = new Date(Date.now() + 60_000).toISOString();
      const r = await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/analytics?from=${from}&to=${to}&resolution=1m`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.data.resolutionSeconds, 60);
      assert.ok(r.body.data.series.length >= 3 && r.body.data.series.length <= 4, r.text);
      for (const [query, word] of [
        ['from=yesterday', 'from'],
        ['to=2026-13-40T00:00:00Z', 'to'],
        ['resolution=5s', 'resolution'],
        [`from=${to}&to=${from}`, 'from'],
        ['from=2000-01-01T00:00:00Z&resolution=10s', 'points'],
      ]) {
        const bad = await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/analytics?${query}`);
        assertError(assert, bad, 400, 'ValidationError');
        assert.match(bad.body.message, new RegExp(word), query);
      }
      assertError(assert, await call(s.base, 'GET', '/api/v1/livestreams/not-a-uuid/analytics'), 404, 'NotFoundError');
      assertError(assert, await call(s.base, 'GET', '/api/v1/livestreams/00000000-0000-4000-8000-000000000000/analytics'), 404, 'NotFoundError');
    });
  });

  describe(`analytics (${backend}, accounts): only the creator and admins`, () => {
    let s;
    before(async () => {
      s = await startStack({ backend, env: { AUTH_MODE: 'accounts', AUTH_GUESTS: 'true' } });
    });
    after(async () => {
      await s?.stop();
    });

    it('answers the creator and the admin, refuses a viewer and a guest (403) and nobody (401)', async () => {
      const admin = await signup(s.base, uid('admin'));  // the first account is the admin
      const creator = await signup(s.base, uid('creator'));
      const viewer = await signup(s.base, uid('viewer'));
      const c = await call(s.base, 'POST', '/api/v1/livestreams', {
        json: { roomName: uid('an-acc'), title: 'Mine' },
        headers: { ...creator.headers, origin: s.base },
      });
      assert.equal(c.status, 201, c.text);
      const path = `/api/v1/livestreams/${c.body.data.id}/analytics`;
      assert.equal((await call(s.base, 'GET', path, { headers: creator.headers })).status, 200);
      assert.equal((await call(s.base, 'GET', path, { headers: admin.headers })).status, 200);
      assertError(assert, await call(s.base, 'GET', path, { headers: viewer.headers }), 403, 'AuthorizationError');
      assertError(assert, await call(s.base, 'GET', path), 401);
      const guest = sessionCookie(await call(s.base, 'POST', '/api/v1/auth/guest', { json: { displayName: 'Guest' }, headers: { origin: s.base } }));
      assert.ok(guest, 'a guest session');
      assertError(assert, await call(s.base, 'GET', path, { headers: withCookie(guest) }), 403, 'AuthorizationError');
      // The viewer still reads the live counts in the state.
      assert.equal((await call(s.base, 'GET', `/api/v1/livestreams/${c.body.data.id}/state`, { headers: viewer.headers })).status, 200);
    });
  });
}
