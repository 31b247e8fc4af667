// The REST API (base /api/v1), driven over HTTP against the real binary, on every backend, with the
// LiveKit double answering RoomService calls: each endpoint, each documented status code, bad
// input of every kind (never a 500), and concurrent joins. A join reserves a seat; the counts in
// the state move when LiveKit (the double, given the join token) says the person connected.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, call, assertError, backends, sdk } from './support.mjs';
import { connect, until } from './webhook_support.mjs';

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const isoRe = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
let counter = 0;
const unique = (p = 'room') => `${p}-${process.pid}-${++counter}`;

for (const backend of backends()) {
  describe(`API on ${backend}`, () => {
    let s;
    const api = (method, path, opts) => call(s.base, method, path, opts);
    const create = (over = {}) =>
      api('POST', '/api/v1/livestreams', { json: { roomName: unique(), title: 'A title', createdBy: 'creator', ...over } });
    const state = async (id) => (await api('GET', `/api/v1/livestreams/${id}/state`)).body.data;
    // Waits until the state satisfies `pred` (the webhook of a connection is applied by a worker).
    const stateWhen = (id, pred, what) => until(async () => { const st = await state(id); return pred(st) && st; }, 8000, what);

    before(async () => {
      s = await startStack({ backend });
    });
    after(async () => {
      const r = await s.stop();
      assert.equal(r.code, 0, `server exited with ${JSON.stringify(r)}:\n${s.output()}`);
    });

    describe('POST /livestreams', () => {
      it('creates a LIVE livestream with a sanitised room name, defaults and a LiveKit room', async () => {
        const name = `My Room ${++counter} -- Été!`;
        const r = await api('POST', '/api/v1/livestreams', {
          json: { roomName: name, title: 'Hello', createdBy: 'alice', description: 'two\nlines', metadata: { a: 1 } },
        });
        assert.equal(r.status, 201, r.text);
        assert.equal(r.body.success, true);
        const l = r.body.data;
        assert.match(l.id, uuidRe);
        assert.equal(l.roomName, `my-room-${counter}-t`);
        assert.equal(l.status, 'LIVE');
        assert.equal(l.title, 'Hello');
        assert.equal(l.description, 'two\nlines');
        assert.equal(l.createdBy, 'alice');
        assert.equal(l.maxParticipants, 100);
        assert.equal(l.emptyTimeout, 86400);
        assert.deepEqual(l.metadata, { a: 1 });
        for (const k of ['createdAt', 'updatedAt', 'startedAt']) assert.match(l[k], isoRe);
        assert.equal(l.endedAt, null);
        assert.ok(r.headers.get('x-request-id'));
        const calls = await (await fetch(`${s.double.url}/_double/calls?method=CreateRoom`)).json();
        const c = calls.find((x) => (x.body.name ?? x.body.room) === l.roomName);
        assert.ok(c, 'CreateRoom reached LiveKit');
        assert.equal(c.grant.roomCreate, true);
      });

      it('409 for a second active livestream on the same room name', async () => {
        const room = unique();
        assert.equal((await create({ roomName: room })).status, 201);
        assertError(assert, await create({ roomName: room.toUpperCase() }), 409, 'ConflictError');
      });

      it('rejects invalid bodies with 400 and the envelope', async () => {
        const cases = [
          {},
          { title: 't', createdBy: 'u' },
          { roomName: 'r', createdBy: 'u' },
          { roomName: 'r', title: 't' },
          { roomName: 5, title: 't', createdBy: 'u' },
          { roomName: 'r', title: ['t'], createdBy: 'u' },
          { roomName: '   ', title: 't', createdBy: 'u' },
          { roomName: '!!!', title: 't', createdBy: 'u' },
          { roomName: 'r'.repeat(129), title: 't', createdBy: 'u' },
          { roomName: 'r', title: 't'.repeat(201), createdBy: 'u' },
          { roomName: 'r', title: 't', createdBy: 'u'.repeat(129) },
          { roomName: 'r', title: 't', createdBy: 'u', description: 'd'.repeat(2001) },
          { roomName: 'r', title: 'bad\u0007bell', createdBy: 'u' },
          { roomName: 'r', title: 't', createdBy: 'u', maxParticipants: 0 },
          { roomName: 'r', title: 't', createdBy: 'u', maxParticipants: 10001 },
          { roomName: 'r', title: 't', createdBy: 'u', maxParticipants: 1.5 },
          { roomName: 'r', title: 't', createdBy: 'u', maxParticipants: '10' },
          { roomName: 'r', title: 't', createdBy: 'u', emptyTimeout: -1 },
          { roomName: 'r', title: 't', createdBy: 'u', emptyTimeout: 1e300 },
          { roomName: 'r', title: 't', createdBy: 'u', metadata: 'x' },
          { roomName: 'r', title: 't', createdBy: 'u', metadata: [1] },
          { roomName: 'r', title: 't', createdBy: 'u', metadata: { big: 'x'.repeat(9000) } },
        ];
        for (const json of cases) assertError(assert, await api('POST', '/api/v1/livestreams', { json }), 400, 'ValidationError');
        for (const body of ['{', '[]', '"x"', 'null', '{"roomName":"a",}', '\u00ff\u00fe']) {
          assertError(assert, await api('POST', '/api/v1/livestreams', { body, headers: { 'content-type': 'application/json' } }), 400);
        }
        const deep = '['.repeat(5000) + ']'.repeat(5000);
        assertError(assert, await api('POST', '/api/v1/livestreams', { body: deep, headers: { 'content-type': 'application/json' } }), 400);
      });

      it('415 for a wrong content type, 413 for a huge body', async () => {
        assertError(assert, await api('POST', '/api/v1/livestreams', { body: 'roomName=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415);
        const huge = JSON.stringify({ roomName: 'r', title: 't', createdBy: 'u', description: 'x'.repeat(2 * 1024 * 1024) });
        const r = await api('POST', '/api/v1/livestreams', { body: huge, headers: { 'content-type': 'application/json' } }).catch((e) => e);
        if (r instanceof Error) assert.fail(`connection error instead of 413: ${r}`);
        assertError(assert, r, 413, 'PayloadTooLargeError');
      });

      it('stores unicode and SQL-looking strings verbatim', async () => {
        const title = "Robert'); DROP TABLE livestreams;-- 🎥 日本語";
        const description = "' OR '1'='1 \\ \" %00 ${x}";
        const r = await create({ title, description, createdBy: "o'brien", metadata: { q: "'; --", emoji: '🎉' } });
        assert.equal(r.status, 201, r.text);
        const g = await api('GET', `/api/v1/livestreams/${r.body.data.id}`);
        assert.equal(g.body.data.title, title);
        assert.equal(g.body.data.description, description);
        assert.equal(g.body.data.createdBy, "o'brien");
        assert.deepEqual(g.body.data.metadata, { q: "'; --", emoji: '🎉' });
        const list = await api('GET', `/api/v1/livestreams?createdBy=${encodeURIComponent("o'brien")}`);
        assert.equal(list.body.count, 1);
      });

      it('502 LiveKitError when LiveKit fails, and the record is ERROR', async () => {
        await fetch(`${s.double.url}/_double/fail`, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ method: 'CreateRoom', status: 500, code: 'internal', count: 1 }),
        });
        const room = unique('failing');
        assertError(assert, await create({ roomName: room, createdBy: 'err-user' }), 502, 'LiveKitError');
        const list = await api('GET', '/api/v1/livestreams?status=ERROR&createdBy=err-user');
        assert.equal(list.body.count, 1);
        assert.equal(list.body.data[0].roomName, room);
        // The room name is free again: ERROR is not active.
        assert.equal((await create({ roomName: room })).status, 201);
      });
    });

    describe('GET /livestreams', () => {
      it('pages newest first with default 20, max 100, filters', async () => {
        const by = unique('lister');
        const ids = [];
        for (let i = 0; i < 23; i++) ids.push((await create({ createdBy: by })).body.data.id);
        const p1 = await api('GET', `/api/v1/livestreams?createdBy=${by}`);
        assert.equal(p1.status, 200);
        assert.equal(p1.body.count, 20);
        assert.equal(p1.body.data.length, 20);
        assert.deepEqual(p1.body.data.map((l) => l.id), ids.slice().reverse().slice(0, 20));
        const p2 = await api('GET', `/api/v1/livestreams?createdBy=${by}&limit=20&offset=20`);
        assert.deepEqual(p2.body.data.map((l) => l.id), ids.slice(0, 3).reverse());
        const live = await api('GET', `/api/v1/livestreams?createdBy=${by}&status=LIVE&limit=100`);
        assert.equal(live.body.count, 23);
        const ended = await api('GET', `/api/v1/livestreams?createdBy=${by}&status=ENDED`);
        assert.equal(ended.body.count, 0);
      });

      it('400 for bad limit, offset or status', async () => {
        for (const q of ['limit=0', 'limit=101', 'limit=abc', 'limit=', 'limit=1.5', 'limit=-1', 'offset=-1', 'offset=x',
          'status=live', 'status=BOGUS', 'limit=99999999999999999999'])
          assertError(assert, await api('GET', `/api/v1/livestreams?${q}`), 400, 'ValidationError');
      });
    });

    describe('GET /livestreams/:id', () => {
      it('200 for a known id, 404 for unknown and non-UUID ids', async () => {
        const id = (await create()).body.data.id;
        const r = await api('GET', `/api/v1/livestreams/${id}`);
        assert.equal(r.status, 200);
        assert.equal(r.body.data.id, id);
        assertError(assert, await api('GET', '/api/v1/livestreams/00000000-0000-4000-8000-000000000000'), 404, 'NotFoundError');
        for (const bad of ['not-a-uuid', "1'%20OR%20'1'='1", '%00', 'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ', 'x'.repeat(500)])
          assertError(assert, await api('GET', `/api/v1/livestreams/${bad}`), 404, 'NotFoundError');
      });
    });

    describe('DELETE /livestreams/:id', () => {
      it('400 without requestingUserId, 403 for others, 200 ENDED for the creator, idempotent', async () => {
        const l = (await create({ createdBy: 'owner' })).body.data;
        await api('POST', `/api/v1/livestreams/${l.id}/join`, { json: { userId: 'v1', displayName: 'V', role: 'VIEWER' } });
        assertError(assert, await api('DELETE', `/api/v1/livestreams/${l.id}`), 400, 'ValidationError');
        assertError(assert, await api('DELETE', `/api/v1/livestreams/${l.id}`, { json: {} }), 400, 'ValidationError');
        assertError(assert, await api('DELETE', `/api/v1/livestreams/${l.id}`, { json: { requestingUserId: 'intruder' } }), 403, 'AuthorizationError');
        const r = await api('DELETE', `/api/v1/livestreams/${l.id}`, { json: { requestingUserId: 'owner' } });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.body.success, true);
        assert.equal(r.body.data.status, 'ENDED');
        assert.match(r.body.data.endedAt, isoRe);
        const again = await api('DELETE', `/api/v1/livestreams/${l.id}`, { json: { requestingUserId: 'owner' } });
        assert.equal(again.status, 200);
        assert.equal(again.body.data.endedAt, r.body.data.endedAt);
        const parts = await api('GET', `/api/v1/livestreams/${l.id}/participants?status=JOINED`);
        assert.equal(parts.body.count, 0);
        assertError(assert, await api('DELETE', '/api/v1/livestreams/00000000-0000-4000-8000-000000000000', { json: { requestingUserId: 'owner' } }), 404);
        const calls = await (await fetch(`${s.double.url}/_double/calls?method=DeleteRoom`)).json();
        assert.ok(calls.some((c) => c.body.room === l.roomName), 'DeleteRoom reached LiveKit');
        // The room name can be reused once the livestream ended.
        assert.equal((await create({ roomName: l.roomName })).status, 201);
      });
    });

    describe('POST /livestreams/:id/join and /leave', () => {
      it('issues tokens the official SDK verifies, with the right grants', async () => {
        const l = (await create({ createdBy: 'host-user' })).body.data;
        const verifier = new sdk.TokenVerifier('devkey', 'secret');
        const host = await api('POST', `/api/v1/livestreams/${l.id}/join`, {
          json: { userId: 'host-user', displayName: 'The Host', role: 'HOST', metadata: { seat: 1 } },
        });
        assert.equal(host.status, 200, host.text);
        assert.ok(host.body.data.url.startsWith('ws://127.0.0.1:'));
        assert.equal(host.body.data.participant.role, 'HOST');
        assert.equal(host.body.data.participant.status, 'JOINED');
        const hc = await verifier.verify(host.body.data.token);
        assert.equal(hc.sub, 'host-user');
        assert.equal(hc.name, 'The Host');
        assert.deepEqual(JSON.parse(hc.metadata), { seat: 1 });
        assert.equal(hc.video.room, l.roomName);
        assert.equal(hc.video.roomJoin, true);
        assert.equal(hc.video.canPublish, true);
        assert.equal(hc.video.canPublishData, true);
        assert.equal(hc.video.canSubscribe, true);
        assert.ok(Math.abs(hc.exp - (Date.now() / 1000 + 24 * 3600)) < 60);
        const viewer = await api('POST', `/api/v1/livestreams/${l.id}/join`, { json: { userId: 'viewer-1', displayName: 'V', role: 'VIEWER' } });
        assert.equal(viewer.status, 200, viewer.text);
        const vc = await verifier.verify(viewer.body.data.token);
        assert.equal(vc.video.canPublish, false);
        assert.equal(vc.video.canPublishData, false);
        assert.equal(vc.video.canSubscribe, true);
        // Seats only: nobody is connected yet.
        const seats = await api('GET', `/api/v1/livestreams/${l.id}/state`);
        assert.equal(seats.status, 200);
        assert.deepEqual(seats.body.data.participants, []);
        assert.equal(seats.body.data.viewerCount, 0);
        assert.equal(seats.body.data.hostConnected, false);
        // Both connect to LiveKit with their tokens (the double verifies them as LiveKit would).
        await connect(s.double, l.roomName, { token: host.body.data.token });
        await connect(s.double, l.roomName, { token: viewer.body.data.token });
        const st = await stateWhen(l.id, (x) => x.participants.length === 2, 'both connected');
        assert.deepEqual(st.participants.sort(), ['host-user', 'viewer-1']);
        assert.equal(st.viewerCount, 1);
        assert.equal(st.totalViewers, 1);
        assert.equal(st.peakViewerCount, 1);
        assert.equal(st.hostConnected, true);
        assert.deepEqual(st.people.map((p) => [p.userId, p.displayName, p.role]).sort(), [['host-user', 'The Host', 'HOST'], ['viewer-1', 'V', 'VIEWER']]);
        assert.deepEqual(st.hostInfo, { userId: 'host-user', displayName: 'The Host' });
        assert.equal(st.status, 'LIVE');
      });

      it('403 HOST unless creator, 409 second session, 400 bad input, 404 unknown, 400 when not LIVE', async () => {
        const l = (await create({ createdBy: 'c1' })).body.data;
        const join = (json, id = l.id) => api('POST', `/api/v1/livestreams/${id}/join`, { json });
        assertError(assert, await join({ userId: 'x', displayName: 'X', role: 'HOST' }), 403, 'AuthorizationError');
        assert.equal((await join({ userId: 'u', displayName: 'U', role: 'VIEWER' })).status, 200);
        assertError(assert, await join({ userId: 'u', displayName: 'U', role: 'VIEWER' }), 409, 'ConflictError');
        for (const bad of [{}, { userId: 'a', displayName: 'A' }, { userId: 'a', displayName: 'A', role: 'viewer' },
          { userId: 'a', displayName: 'A', role: 'ADMIN' }, { userId: 1, displayName: 'A', role: 'VIEWER' },
          { userId: 'a', displayName: 'd'.repeat(101), role: 'VIEWER' }, { userId: 'a', displayName: 'A', role: 'VIEWER', metadata: 3 }])
          assertError(assert, await join(bad), 400, 'ValidationError');
        assertError(assert, await join({ userId: 'a', displayName: 'A', role: 'VIEWER' }, '00000000-0000-4000-8000-000000000000'), 404);
        assertError(assert, await join({ userId: 'a', displayName: 'A', role: 'VIEWER' }, 'nope'), 404);
        await api('DELETE', `/api/v1/livestreams/${l.id}`, { json: { requestingUserId: 'c1' } });
        assertError(assert, await join({ userId: 'late', displayName: 'L', role: 'VIEWER' }), 400, 'ValidationError');
      });

      it('leave is idempotent, works before any webhook, asks LiveKit to remove, allows rejoining', async () => {
        const l = (await create()).body.data;
        const leave = (json) => api('POST', `/api/v1/livestreams/${l.id}/leave`, { json });
        assert.equal((await api('POST', `/api/v1/livestreams/${l.id}/join`, { json: { userId: 'w', displayName: 'W', role: 'VIEWER' } })).status, 200);
        const r = await leave({ userId: 'w' });
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(r.body, { success: true, message: 'Left livestream successfully' });
        assert.equal((await leave({ userId: 'w' })).status, 200);
        assert.equal((await leave({ userId: 'never-joined' })).status, 200);
        assertError(assert, await leave({}), 400, 'ValidationError');
        assertError(assert, await api('POST', '/api/v1/livestreams/00000000-0000-4000-8000-000000000000/leave', { json: { userId: 'w' } }), 404);
        const calls = await (await fetch(`${s.double.url}/_double/calls?method=RemoveParticipant`)).json();
        assert.ok(calls.some((c) => c.body.room === l.roomName && c.body.identity === 'w'));
        const left = await api('GET', `/api/v1/livestreams/${l.id}/participants?status=LEFT`);
        assert.equal(left.body.count, 1);
        assert.match(left.body.data[0].leftAt, isoRe);
        const again = await api('POST', `/api/v1/livestreams/${l.id}/join`, { json: { userId: 'w', displayName: 'W', role: 'VIEWER' } });
        assert.equal(again.status, 200, again.text);
        assert.equal((await state(l.id)).viewerCount, 0, 'a seat is not a viewer');
        // Connected, left through the API (counted out at once), back with a new session: one viewer ever.
        await connect(s.double, l.roomName, { token: again.body.data.token });
        await stateWhen(l.id, (x) => x.viewerCount === 1, 'w connected');
        assert.equal((await leave({ userId: 'w' })).status, 200);
        const out = await state(l.id);
        assert.equal(out.viewerCount, 0, 'an API leave ends the session at once');
        assert.deepEqual(out.participants, []);
        const third = await api('POST', `/api/v1/livestreams/${l.id}/join`, { json: { userId: 'w', displayName: 'W', role: 'VIEWER' } });
        assert.equal(third.status, 200, third.text);
        await connect(s.double, l.roomName, { token: third.body.data.token });
        const st = await stateWhen(l.id, (x) => x.viewerCount === 1, 'w connected again');
        assert.equal(st.totalViewers, 1);
        assert.equal(st.peakViewerCount, 1);
        assert.deepEqual(st.participants, ['w']);
      });

      it('concurrent joins of one user: exactly one succeeds, the rest 409', async () => {
        const l = (await create()).body.data;
        const results = await Promise.all(Array.from({ length: 20 }, () =>
          api('POST', `/api/v1/livestreams/${l.id}/join`, { json: { userId: 'racer', displayName: 'R', role: 'VIEWER' } })));
        const codes = results.map((r) => r.status).sort();
        assert.equal(codes.filter((c) => c === 200).length, 1, codes.join(','));
        assert.equal(codes.filter((c) => c === 409).length, 19, codes.join(','));
      });

      it('200 concurrent joins of distinct users all get seats; once connected, all count', async () => {
        const l = (await create({ maxParticipants: 1000 })).body.data;
        const results = await Promise.all(Array.from({ length: 200 }, (_, i) =>
          api('POST', `/api/v1/livestreams/${l.id}/join`, { json: { userId: `crowd-${i}`, displayName: `C${i}`, role: 'VIEWER' } })));
        assert.deepEqual([...new Set(results.map((r) => r.status))], [200]);
        const page = await api('GET', `/api/v1/livestreams/${l.id}/participants?limit=100&offset=100&role=VIEWER&status=JOINED`);
        assert.equal(page.body.count, 100);
        const seats = await state(l.id);
        assert.equal(seats.viewerCount, 0);
        assert.equal(seats.totalViewers, 0);
        await Promise.all(results.map((r) => connect(s.double, l.roomName, { token: r.body.data.token })));
        const st = await stateWhen(l.id, (x) => x.viewerCount === 200, '200 connected viewers');
        assert.equal(st.totalViewers, 200);
        assert.equal(st.peakViewerCount, 200);
        assert.equal(st.participants.length, 200);
        // Each connection took its own seat: still 200 seats, every one with its LiveKit session.
        const all = [];
        for (let off = 0; off < 300; off += 100)
          all.push(...(await api('GET', `/api/v1/livestreams/${l.id}/participants?limit=100&offset=${off}`)).body.data);
        assert.equal(all.length, 200);
        assert.ok(all.every((p) => p.status === 'JOINED' && /^PA_/.test(p.livekitParticipantSid ?? '')), 'every seat carries its session');
      });

      it('concurrent joins across livestreams (and an unknown one) each get their own answer', async () => {
        const a = (await create({ maxParticipants: 1000 })).body.data;
        const b = (await create({ maxParticipants: 1000 })).body.data;
        const ghost = '00000000-0000-4000-8000-00000000abcd';
        const targets = Array.from({ length: 60 }, (_, i) => [a.id, b.id, ghost][i % 3]);
        const results = await Promise.all(targets.map((id, i) =>
          api('POST', `/api/v1/livestreams/${id}/join`, { json: { userId: `x-${i}`, displayName: 'X', role: 'VIEWER' } })));
        targets.forEach((id, i) => assert.equal(results[i].status, id === ghost ? 404 : 200, `join ${i} into ${id}`));
        for (const l of [a, b]) {
          const seats = (await api('GET', `/api/v1/livestreams/${l.id}/participants?status=JOINED&limit=100`)).body;
          assert.equal(seats.count, 20);
          const mine = targets.map((id, i) => id === l.id && `x-${i}`).filter(Boolean).sort();
          assert.deepEqual(seats.data.map((p) => p.userId).sort(), mine);
          assert.equal((await state(l.id)).viewerCount, 0, 'seats are not viewers');
        }
      });

      it('joins batched together: refusals and a row the database rejects stay with their own request', async () => {
        const l = (await create({ maxParticipants: 1000 })).body.data;
        // metadata with a \u0000 in a string: PostgreSQL's jsonb rejects it inside the batch's
        // transaction, which must not fail the joins batched with it. (Which joins share a batch
        // depends on timing; whatever it was, every request must get its own answer.)
        const nul = JSON.parse('{"note":"a\\u0000b"}');
        const requests = [];
        for (let i = 0; i < 80; i++) {
          requests.push({ userId: `mix-${i}`, displayName: `M${i}`, role: 'VIEWER' });
          if (i % 4 === 3) requests.push({ userId: `mix-nul-${i}`, displayName: 'N', role: 'VIEWER', metadata: nul });
        }
        requests.push({ userId: 'mix-host', displayName: 'H', role: 'HOST' });  // 403: not the creator
        requests.push({ userId: 'mix-0', displayName: 'again', role: 'VIEWER' });  // one of the two: 409
        const results = await Promise.all(requests.map((json) => api('POST', `/api/v1/livestreams/${l.id}/join`, { json })));
        const status = (pred) => results.filter((r, i) => pred(requests[i])).map((r) => r.status);
        assert.deepEqual(status((q) => q.role === 'HOST'), [403]);
        assert.deepEqual(status((q) => q.userId === 'mix-0').sort(), [200, 409]);
        assert.deepEqual([...new Set(status((q) => /^mix-\d+$/.test(q.userId) && q.userId !== 'mix-0'))], [200]);
        const nulStatuses = [...new Set(status((q) => q.metadata))];
        assert.equal(nulStatuses.length, 1, `metadata with NUL: ${nulStatuses}`);
        assert.ok(backend === 'postgresql' ? nulStatuses[0] === 400 : [200, 400].includes(nulStatuses[0]), `metadata with NUL: ${nulStatuses}`);
        const joined = (await api('GET', `/api/v1/livestreams/${l.id}/participants?status=JOINED&limit=100`)).body;
        assert.equal(joined.count, 80 + (nulStatuses[0] === 200 ? 20 : 0));
      });
    });

    describe('GET /livestreams/:id/participants and /state', () => {
      it('filters and validates', async () => {
        const l = (await create({ createdBy: 'pc' })).body.data;
        const tokens = [];
        for (const u of ['a', 'b', 'c']) tokens.push((await api('POST', `/api/v1/livestreams/${l.id}/join`, { json: { userId: u, displayName: u, role: 'VIEWER' } })).body.data.token);
        tokens.push((await api('POST', `/api/v1/livestreams/${l.id}/join`, { json: { userId: 'pc', displayName: 'Creator', role: 'HOST' } })).body.data.token);
        for (const token of tokens) await connect(s.double, l.roomName, { token });
        await stateWhen(l.id, (x) => x.viewerCount === 3 && x.hostConnected, 'three viewers and the host connected');
        await api('POST', `/api/v1/livestreams/${l.id}/leave`, { json: { userId: 'a' } });
        const all = await api('GET', `/api/v1/livestreams/${l.id}/participants`);
        assert.equal(all.body.count, 4);
        assert.deepEqual(all.body.data.map((p) => p.userId), ['pc', 'c', 'b', 'a']);
        assert.equal((await api('GET', `/api/v1/livestreams/${l.id}/participants?role=HOST`)).body.count, 1);
        assert.equal((await api('GET', `/api/v1/livestreams/${l.id}/participants?status=JOINED&role=VIEWER`)).body.count, 2);
        assert.equal((await api('GET', `/api/v1/livestreams/${l.id}/participants?limit=1`)).body.count, 1);
        for (const q of ['status=GONE', 'role=host', 'limit=0', 'offset=-5'])
          assertError(assert, await api('GET', `/api/v1/livestreams/${l.id}/participants?${q}`), 400);
        assertError(assert, await api('GET', '/api/v1/livestreams/00000000-0000-4000-8000-000000000000/participants'), 404);
        const st = (await api('GET', `/api/v1/livestreams/${l.id}/state`)).body.data;
        assert.equal(st.streamId, l.id);
        assert.equal(st.viewerCount, 2);
        assert.equal(st.totalViewers, 3);
        assert.equal(st.peakViewerCount, 3);
        assert.deepEqual(st.participants.slice().sort(), ['b', 'c', 'pc']);
        assert.equal(st.hostConnected, true);
        assert.equal(st.startedAt, l.startedAt);
        assertError(assert, await api('GET', '/api/v1/livestreams/nope/state'), 404);
      });
    });

    describe('transport', () => {
      it('JSON 404 for unknown routes, 405 with Allow, request ids, CORS', async () => {
        assertError(assert, await api('GET', '/api/v1/nothing'), 404, 'NotFoundError');
        const r405 = await api('PUT', '/api/v1/livestreams');
        assertError(assert, r405, 405);
        assert.match(r405.headers.get('allow'), /GET/);
        const mine = await api('GET', '/health', { headers: { 'x-request-id': 'my-id-123' } });
        assert.equal(mine.headers.get('x-request-id'), 'my-id-123');
        const cors = await api('OPTIONS', '/api/v1/livestreams', { headers: { origin: 'http://example.test', 'access-control-request-method': 'POST' } });
        assert.equal(cors.status, 204);
        assert.ok(cors.headers.get('access-control-allow-origin'));
      });

      it('/health reports the database and LiveKit', async () => {
        const h = await api('GET', '/health');
        assert.equal(h.status, 200, h.text);
        assert.equal(h.body.success, true, 'the seed\'s envelope');
        assert.equal(h.body.data.services.database.status, 'up');
        assert.equal(h.body.data.services.database.backend, backend);
        assert.equal(h.body.data.livekit.status, 'up');
        assert.equal((await api('GET', '/health/ready')).status, 200);
      });

      it('survives garbage on the wire and stays healthy', async () => {
        const net = await import('node:net');
        const { port } = new URL(s.base);
        for (const junk of ['GARBAGE\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', 'POST /api/v1/livestreams HTTP/1.1\r\nContent-Length: -5\r\n\r\n',
          'GET /' + 'a'.repeat(20000) + ' HTTP/1.1\r\n\r\n', '\x00\x01\x02\x03']) {
          await new Promise((ok) => {
            const sock = net.connect(Number(port), '127.0.0.1', () => sock.end(junk));
            sock.on('data', () => {});
            sock.on('close', ok);
            sock.on('error', ok);
          });
        }
        assert.equal((await api('GET', '/health')).status, 200);
      });
    });
  });
}

describe('rate limits', () => {
  let s;
  before(async () => {
    s = await startStack({ env: { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_CREATE_MAX: '2', RATE_LIMIT_API_MAX: '50' } });
  });
  after(async () => {
    await s.stop();
  });

  it('429 RateLimitError with RateLimit-* and Retry-After; health never counted', async () => {
    const mk = () => call(s.base, 'POST', '/api/v1/livestreams', { json: { roomName: unique(), title: 't', createdBy: 'u' } });
    const a = await mk();
    assert.equal(a.status, 201);
    assert.equal(a.headers.get('ratelimit-limit'), '2');
    assert.equal(a.headers.get('ratelimit-remaining'), '1');
    assert.match(a.headers.get('ratelimit-policy'), /^2;w=\d+$/);
    assert.equal((await mk()).status, 201);
    const c = await mk();
    assertError(assert, c, 429, 'RateLimitError');
    assert.ok(Number(c.headers.get('retry-after')) > 0);
    for (let i = 0; i < 60; i++) assert.equal((await call(s.base, 'GET', '/health')).status, 200);
    let last;
    for (let i = 0; i < 50; i++) last = await call(s.base, 'GET', '/api/v1/livestreams');
    assertError(assert, last, 429, 'RateLimitError');
  });
});
