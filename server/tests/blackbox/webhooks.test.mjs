// Webhooks end to end (queue, state and SSE, background jobs) against the real binary: signatures,
// durability answers, exactly-once under duplicates, order independence, SSE streams and their
// throttling, reconciliation — on every backend.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, call, assertError, backends } from './support.mjs';
import { event, post, sse, until, sleep, uid, nowSec } from './webhook_support.mjs';

for (const backend of backends()) {
  describe(`webhooks on ${backend}`, () => {
    let s;
    const api = (m, p, o) => call(s.base, m, p, o);
    const create = async (over = {}) => (await api('POST', '/api/v1/livestreams', { json: { roomName: uid('wh'), title: 'T', createdBy: 'creator', ...over } })).body.data;
    const state = async (id) => (await api('GET', `/api/v1/livestreams/${id}/state`)).body.data;

    before(async () => {
      s = await startStack({ backend });
    });
    after(async () => {
      const r = await s.stop();
      assert.equal(r.code, 0, s.output());
    });

    it('rejects bad signatures with 401 and no effect', async () => {
      const l = await create();
      const e = () => event('participant_joined', l.roomName, { identity: uid('intruder') });
      assertError(assert, await post(s.base, e(), { secret: 'wrong' }), 401);
      assertError(assert, await post(s.base, e(), { key: 'otherkey' }), 401);
      assertError(assert, await post(s.base, e(), { expired: true }), 401);
      // The same hand-made token, not expired, is accepted: the 401 above is the expiry.
      assert.equal((await post(s.base, event('track_published', 'x'), { auth: undefined, expired: false })).status, 200);
      assertError(assert, await post(s.base, e(), { tamper: true }), 401);
      assertError(assert, await post(s.base, e(), { auth: null }), 401);
      assertError(assert, await post(s.base, e(), { auth: 'Bearer not.a.jwt' }), 401);
      await sleep(300);
      assert.equal((await state(l.id)).participants.length, 0);
    });

    it('400 for malformed but signed bodies, 415 for other content types', async () => {
      for (const body of ['{', '[]', '{"event":"room_started"}', '{"id":"x"}', '"str"'])
        assertError(assert, await post(s.base, body), 400);
      assertError(assert, await post(s.base, event('room_started', 'x'), { contentType: 'text/plain' }), 415);
      // The signature is checked before anything else: unsigned is 401 whatever the content type.
      assertError(assert, await post(s.base, event('room_started', 'x'), { contentType: 'text/plain', secret: 'wrong' }), 401);
    });

    it('accepts webhooks signed by the official SDK (the double) and applies participant_joined', async () => {
      const l = await create();
      await fetch(`${s.double.url}/_double/rooms/${l.roomName}/participants`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identity: 'sdk-viewer', name: 'SDK Viewer' }) });
      const st = await until(async () => { const x = await state(l.id); return x.participants.includes('sdk-viewer') && x; }, 8000, 'adoption via webhook');
      assert.equal(st.viewerCount, 1);
      const p = (await api('GET', `/api/v1/livestreams/${l.id}/participants`)).body.data[0];
      assert.match(p.livekitParticipantSid, /^PA_/);
      const deliveries = await (await fetch(`${s.double.url}/_double/webhooks?room=${l.roomName}`)).json();
      assert.ok(deliveries.some((d) => d.event === 'participant_joined' && d.responseStatus === 200));
    });

    it('the same webhook 5 times has one effect; the answer says duplicate', async () => {
      const l = await create();
      const e = event('participant_joined', l.roomName, { identity: 'dup-user' });
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await post(s.base, e));
      assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200, 200]);
      assert.equal(answers[0].body.data.queued, true);
      await until(async () => (await state(l.id)).participants.includes('dup-user'), 8000, 'join applied');
      const leave = event('participant_left', l.roomName, { identity: 'dup-user', sid: e.participant.sid });
      for (let i = 0; i < 5; i++) await post(s.base, leave);
      await until(async () => (await state(l.id)).participants.length === 0, 8000, 'leave applied');
      const parts = (await api('GET', `/api/v1/livestreams/${l.id}/participants`)).body.data;
      assert.equal(parts.length, 1);
      assert.equal(parts[0].status, 'LEFT');
    });

    it('shuffled join/leave sequences end like the ordered delivery', async () => {
      const l = await create();
      const users = Array.from({ length: 8 }, (_, i) => ({ identity: `sh-${i}`, sid: uid('PA') }));
      const evs = [];
      for (const u of users) {
        evs.push(event('participant_joined', l.roomName, u));
        if (Number(u.identity.slice(3)) % 2 === 0) evs.push(event('participant_left', l.roomName, u));
      }
      for (let i = evs.length - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [evs[i], evs[j]] = [evs[j], evs[i]]; }
      // Left before joined for some: deliver the reversed pairs first, then everything twice.
      for (const e of [...evs, ...evs]) assert.equal((await post(s.base, e)).status, 200);
      const st = await until(async () => { const x = await state(l.id); return x.participants.length === 4 && x; }, 8000, 'shuffled outcome');
      await sleep(500);
      const final = await state(l.id);
      assert.deepEqual(final.participants.sort(), ['sh-1', 'sh-3', 'sh-5', 'sh-7']);
      assert.equal(final.viewerCount, 4);
      assert.ok(st.viewerCount >= 0);
      const joined = (await api('GET', `/api/v1/livestreams/${l.id}/participants?status=JOINED`)).body.count;
      assert.equal(joined, 4);
    });

    it('room_finished ends the livestream; a stale room_finished does not', async () => {
      const l = await create();
      await api('POST', `/api/v1/livestreams/${l.id}/join`, { json: { userId: 'v', displayName: 'V', role: 'VIEWER' } });
      assert.equal((await post(s.base, event('participant_joined', l.roomName, { identity: 'v' }))).status, 200);
      await until(async () => (await state(l.id)).viewerCount === 1, 8000, 'v connected');
      const stale = event('room_finished', l.roomName, null, { createdAt: String(nowSec() - 3600) });
      assert.equal((await post(s.base, stale)).status, 200);
      await sleep(400);
      assert.equal((await api('GET', `/api/v1/livestreams/${l.id}`)).body.data.status, 'LIVE');
      assert.equal((await post(s.base, event('room_finished', l.roomName))).status, 200);
      await until(async () => (await api('GET', `/api/v1/livestreams/${l.id}`)).body.data.status === 'ENDED', 8000, 'ENDED');
      assert.equal((await api('GET', `/api/v1/livestreams/${l.id}/participants?status=JOINED`)).body.count, 0);
      const endState = await state(l.id);
      assert.equal(endState.viewerCount, 0);
      assert.deepEqual(endState.participants, []);
      assert.equal(endState.peakViewerCount, 1);
      assert.equal(endState.totalViewers, 1);
      const late = event('room_started', l.roomName);
      assert.equal((await post(s.base, late)).status, 200);
      await sleep(300);
      assert.equal((await api('GET', `/api/v1/livestreams/${l.id}`)).body.data.status, 'ENDED');
    });

    it('unknown events and rooms are acknowledged', async () => {
      assert.equal((await post(s.base, event('track_published', 'nowhere'))).status, 200);
      assert.equal((await post(s.base, event('participant_joined', uid('nowhere'), { identity: 'x' }))).status, 200);
      assert.equal((await post(s.base, event('egress_ended', 'nowhere'))).status, 200);
    });

    it('SSE: state first, 6 viewers → one update at once, single viewer → update within 5 s, room_ended then close', async () => {
      const l = await create();
      const stream = sse(`${s.base}/api/v1/livestreams/${l.id}/events`);
      await stream.ready;
      await until(() => stream.events.length >= 1, 3000, 'state event');
      assert.equal(stream.events[0].event, 'state');
      assert.equal(stream.events[0].data.streamId, l.id);
      const t0 = Date.now();
      await fetch(`${s.double.url}/_double/rooms/${l.roomName}/simulate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ viewers: 6 }) });
      const six = await until(() => stream.events.find((e) => e.event === 'viewer_count_update' && e.data.viewerCount === 6), 4000, 'update with 6 viewers');
      assert.ok(six.at - t0 < 3000, `6 viewers took ${six.at - t0} ms`);
      const t1 = Date.now();
      await fetch(`${s.double.url}/_double/rooms/${l.roomName}/participants`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identity: 'seventh' }) });
      const seven = await until(() => stream.events.find((e) => e.event === 'viewer_count_update' && e.data.viewerCount === 7), 7000, 'trailing update with 7 viewers');
      assert.ok(seven.at - t1 <= 5600, `single viewer took ${seven.at - t1} ms`);
      await api('DELETE', `/api/v1/livestreams/${l.id}`, { json: { requestingUserId: 'creator' } });
      const ended = await until(() => stream.events.find((e) => e.event === 'room_ended'), 4000, 'room_ended');
      assert.equal(ended.data.status, 'ENDED');
      await until(() => stream.closed, 4000, 'server closes the stream');
    });

    it('SSE: a small change (< 5 viewers and < 10 %) is held back, then flushed within 5 s', async () => {
      const l = await create();
      const stream = sse(`${s.base}/api/v1/livestreams/${l.id}/events`);
      await stream.ready;
      await fetch(`${s.double.url}/_double/rooms/${l.roomName}/simulate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ viewers: 60, prefix: 'crowd' }) });
      await until(() => stream.events.find((e) => e.event === 'viewer_count_update' && e.data.viewerCount === 60), 8000, 'update with 60 viewers');
      const t1 = Date.now();
      await fetch(`${s.double.url}/_double/rooms/${l.roomName}/participants`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identity: 'one-more' }) });
      const held = await until(() => stream.events.find((e) => e.event === 'viewer_count_update' && e.data.viewerCount === 61), 7000, 'trailing flush of 61');
      // +1 of 60 is under both thresholds: not pushed at once, but within the 5 s interval.
      assert.ok(held.at - t1 >= 1000, `pushed after ${held.at - t1} ms: not throttled`);
      assert.ok(held.at - t1 <= 5600, `pushed after ${held.at - t1} ms`);
      stream.close();
    });

    it('global SSE: snapshot first, then livestream_created', async () => {
      const stream = sse(`${s.base}/api/v1/events`);
      await stream.ready;
      await until(() => stream.events.length >= 1, 3000, 'snapshot');
      assert.equal(stream.events[0].event, 'snapshot');
      assert.ok(Array.isArray(stream.events[0].data.streams));
      const l = await create();
      const created = await until(() => stream.events.find((e) => e.event === 'livestream_created' && e.data.id === l.id), 3000, 'livestream_created');
      assert.equal(created.data.status, 'LIVE');
      stream.close();
    });

    it('a client that stops reading does not delay the others', async () => {
      const l = await create();
      const net = await import('node:net');
      const { port } = new URL(s.base);
      const stalled = net.connect(Number(port), '127.0.0.1');
      stalled.on('error', () => {});
      stalled.write(`GET /api/v1/livestreams/${l.id}/events HTTP/1.1\r\nHost: x\r\n\r\n`);
      stalled.pause();
      const good = sse(`${s.base}/api/v1/livestreams/${l.id}/events`);
      await good.ready;
      await fetch(`${s.double.url}/_double/rooms/${l.roomName}/simulate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ viewers: 5, prefix: 'fast' }) });
      await until(() => good.events.find((e) => e.event === 'viewer_count_update'), 4000, 'update despite a stalled client');
      good.close();
      stalled.destroy();
    });

    it('reconciliation ends a livestream whose room vanished and marks unlisted participants LEFT', async () => {
      const r = await startStack({ backend, env: { RECONCILIATION_INTERVAL_SECONDS: '1', RECONCILIATION_GRACE_SECONDS: '0', RECONCILIATION_ABSENCES: '2' } });
      const api = (m, p, o) => call(r.base, m, p, o);
      const create = async () => (await api('POST', '/api/v1/livestreams', { json: { roomName: uid('rc'), title: 'T', createdBy: 'creator', maxParticipants: 1000 } })).body.data;
      const state = async (id) => (await api('GET', `/api/v1/livestreams/${id}/state`)).body.data;
      try {
      const l = await create();
      // Three viewers connected in LiveKit, and more never-connected API joins than one
      // reconciliation transaction marks LEFT: only the ghosts leave.
      await fetch(`${r.double.url}/_double/rooms/${l.roomName}/simulate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ viewers: 3, prefix: 'real' }) });
      await until(async () => (await state(l.id)).participants.length >= 3, 8000, 'connected viewers applied');
      for (let i = 0; i < 620; i += 20) {
        await Promise.all(Array.from({ length: 20 }, (_, k) => api('POST', `/api/v1/livestreams/${l.id}/join`, { json: { userId: `ghost-${i + k}`, displayName: 'G', role: 'VIEWER' } })));
      }
      // Seats are not viewers: the state shows the three connected ones all along.
      const during = await state(l.id);
      assert.equal(during.viewerCount, 3);
      assert.deepEqual(during.participants.sort(), ['real-0', 'real-1', 'real-2']);
      const seats = async () => (await api('GET', `/api/v1/livestreams/${l.id}/participants?status=JOINED&limit=100`)).body;
      await until(async () => (await seats()).count === 3, 15000, 'ghost seats marked LEFT (LiveKit never listed them)');
      assert.deepEqual((await seats()).data.map((p) => p.userId).sort(), ['real-0', 'real-1', 'real-2']);
      assert.deepEqual((await state(l.id)).participants.sort(), ['real-0', 'real-1', 'real-2']);
      assert.equal((await state(l.id)).viewerCount, 3);
      const l2 = await create();
      await fetch(`${r.double.url}/_double/rooms/${l2.roomName}/drop`, { method: 'POST' });
      await until(async () => (await api('GET', `/api/v1/livestreams/${l2.id}`)).body.data.status === 'ENDED', 10000, 'dropped room → ENDED');
      assert.equal((await api('GET', `/api/v1/livestreams/${l.id}`)).body.data.status, 'LIVE');
      } finally {
        await r.stop();
      }
    });

    it('/health shows queue counts and SSE connections', async () => {
      const h = (await api('GET', '/health')).body.data;
      assert.equal(h.services.queue.status, 'up');
      for (const k of ['waiting', 'active', 'completed', 'failed', 'dead']) assert.equal(typeof h.services.queue[k], 'number');
      assert.ok(h.services.queue.completed > 0);
      assert.equal(typeof h.services.state.activeConnections, 'number');
    });
  });
}
