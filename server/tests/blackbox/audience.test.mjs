// Who is watching (live state, analytics; docs/architecture.md "Audience"): counts mean people
// LiveKit confirmed. An API join reserves a seat and is never shown as watching; a connection (the
// double, with the join token, or a signed webhook) counts; every effect is keyed by the LiveKit
// participant sid, so a leave before its join counts nobody and the six orders of {join S1, leave
// S1, join S2} all end with the user counted once; two sessions of one person are one viewer; peaks
// are never lowered and survive the end. Embedded mode on every backend, one instance in production
// mode, and two production instances (webhooks to A, state read on B).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, call, backends } from './support.mjs';
import { event, post, sse, until, sleep, uid, connect, disconnect } from './webhook_support.mjs';

const pg = process.env.LSO_TEST_POSTGRES_URL;
const redis = process.env.LSO_TEST_REDIS_URL;
if ((!pg || !redis) && (process.env.LSO_REQUIRE_REDIS === '1' || process.env.LSO_REQUIRE_POSTGRES === '1'))
  throw new Error('production-mode tests need LSO_TEST_POSTGRES_URL and LSO_TEST_REDIS_URL');

const isoRe = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

// The six orders of one user's {join S1, leave S1, join S2}.
const ORDERS = [
  ['j1', 'l1', 'j2'],
  ['j1', 'j2', 'l1'],
  ['l1', 'j1', 'j2'],
  ['l1', 'j2', 'j1'],
  ['j2', 'j1', 'l1'],
  ['j2', 'l1', 'j1'],
];

// Per user: the three signed events of ORDERS[i % 6], with their sids.
function orderedEvents(room, users) {
  return users.map((identity, i) => {
    const s1 = uid('PA_S1');
    const s2 = uid('PA_S2');
    const all = {
      j1: event('participant_joined', room, { identity, sid: s1, name: `Name ${identity}` }),
      l1: event('participant_left', room, { identity, sid: s1, name: `Name ${identity}` }),
      j2: event('participant_joined', room, { identity, sid: s2, name: `Name ${identity}` }),
    };
    return { identity, s1, s2, order: ORDERS[i % ORDERS.length], steps: ORDERS[i % ORDERS.length].map((k) => all[k]) };
  });
}

async function postOk(base, e) {
  const r = await post(base, e);
  assert.equal(r.status, 200, `${e.event} ${e.participant?.identity}: ${r.text}`);
}

// Every seat of a livestream (all pages).
async function allSeats(base, id) {
  const out = [];
  for (let off = 0; ; off += 100) {
    const page = (await call(base, 'GET', `/api/v1/livestreams/${id}/participants?limit=100&offset=${off}`)).body.data;
    out.push(...page);
    if (page.length < 100) return out;
  }
}

// The tests of one deployment; `stack()` is the running stack (base, double).
function audienceTests(stack) {
  const api = (m, p, o) => call(stack().base, m, p, o);
  const create = async (over = {}) => {
    const r = await api('POST', '/api/v1/livestreams', { json: { roomName: uid('aud'), title: 'Audience', createdBy: 'the-host', maxParticipants: 1000, ...over } });
    assert.equal(r.status, 201, r.text);
    return r.body.data;
  };
  const state = async (id) => (await api('GET', `/api/v1/livestreams/${id}/state`)).body.data;
  const stateWhen = (id, pred, what, ms = 8000) => until(async () => { const st = await state(id); return pred(st) && st; }, ms, what);
  const join = async (id, userId, displayName = userId, role = 'VIEWER') => {
    const r = await api('POST', `/api/v1/livestreams/${id}/join`, { json: { userId, displayName, role } });
    assert.equal(r.status, 200, r.text);
    return r.body.data;
  };
  // A join of `identity` on the same livestream after `events`: once it shows, the events sent
  // before it had time to be applied too (then a little more).
  const settleWith = async (l, identity = uid('marker')) => {
    await postOk(stack().base, event('participant_joined', l.roomName, { identity, sid: uid('PA_M') }));
    await stateWhen(l.id, (x) => x.participants.includes(identity), `marker ${identity} applied`);
    await sleep(300);
    return identity;
  };

  it('a viewer who joins through the API and never connects is never shown as watching (state, SSE, list)', async () => {
    const l = await create();
    const stream = sse(`${stack().base}/api/v1/livestreams/${l.id}/events`);
    await stream.ready;
    await until(() => stream.events.length >= 1, 3000, 'the first SSE event');
    const seat = await join(l.id, 'seat-only', 'Seat Only');
    assert.equal(seat.participant.status, 'JOINED');
    // Longer than the SSE flush interval (5 s): a pending update would have gone out.
    await sleep(5600);
    const st = await state(l.id);
    assert.equal(st.viewerCount, 0);
    assert.equal(st.totalViewers, 0);
    assert.equal(st.peakViewerCount, 0);
    assert.equal(st.peakAt, null);
    assert.deepEqual(st.participants, []);
    assert.deepEqual(st.people, []);
    assert.equal(st.hostConnected, false);
    // (room_started, from the double's CreateRoom, may come by: it shows nobody either.)
    assert.equal(stream.events[0].event, 'state');
    assert.deepEqual(stream.events.filter((e) => e.event === 'viewer_count_update'), [], 'an API join sends no viewer_count_update');
    for (const e of stream.events) {
      assert.equal(e.data.viewerCount, 0, `SSE ${e.event}: ${JSON.stringify(e.data)}`);
      assert.deepEqual(e.data.participants, [], `SSE ${e.event}`);
      assert.deepEqual(e.data.people, [], `SSE ${e.event}`);
    }
    // The seat is there, as a seat.
    const seats = (await api('GET', `/api/v1/livestreams/${l.id}/participants?status=JOINED`)).body;
    assert.deepEqual(seats.data.map((p) => p.userId), ['seat-only']);
    assert.equal(seats.data[0].livekitParticipantSid, null);
    const item = (await api('GET', `/api/v1/livestreams/${l.id}`)).body.data;
    assert.equal(item.viewerCount, 0);
    assert.equal(item.totalViewers, 0);
    // A second seat for the same user is still a 409 (seats keep the API's rules).
    const again = await api('POST', `/api/v1/livestreams/${l.id}/join`, { json: { userId: 'seat-only', displayName: 'S', role: 'VIEWER' } });
    assert.equal(again.status, 409, again.text);
    // A new SSE subscriber's first state agrees.
    const late = sse(`${stack().base}/api/v1/livestreams/${l.id}/events`);
    await late.ready;
    const first = await until(() => late.events[0], 3000, 'the late subscriber\'s state');
    assert.equal(first.data.viewerCount, 0);
    assert.deepEqual(first.data.participants, []);
    late.close();
    stream.close();
  });

  it('connect through LiveKit → counted with its display name and an SSE update; leave → 0 with the peak kept; a new session → still one viewer ever', async () => {
    const l = await create();
    const stream = sse(`${stack().base}/api/v1/livestreams/${l.id}/events`);
    await stream.ready;
    await until(() => stream.events.length >= 1, 3000, 'the first SSE event');
    const seat = await join(l.id, 'vee', 'Vee One');
    const first = await connect(stack().double, l.roomName, { token: seat.token });
    assert.equal(first.identity, 'vee');
    const up = await until(() => stream.events.find((e) => e.event === 'viewer_count_update' && e.data.viewerCount === 1), 6500, 'SSE viewer_count_update with 1 viewer');
    assert.deepEqual(up.data.participants, ['vee']);
    assert.deepEqual(up.data.people.map((p) => [p.userId, p.displayName, p.role]), [['vee', 'Vee One', 'VIEWER']]);
    const st = await state(l.id);
    assert.equal(st.viewerCount, 1);
    assert.equal(st.totalViewers, 1);
    assert.equal(st.peakViewerCount, 1);
    assert.match(st.peakAt, isoRe);
    assert.deepEqual(st.participants, ['vee']);
    assert.equal(st.people.length, 1);
    assert.equal(st.people[0].displayName, 'Vee One');
    assert.equal(st.people[0].role, 'VIEWER');
    assert.match(st.people[0].connectedAt, isoRe);
    const peakAt = st.peakAt;
    // The seat took the session.
    const seats = (await api('GET', `/api/v1/livestreams/${l.id}/participants?status=JOINED`)).body.data;
    assert.deepEqual(seats.map((p) => [p.userId, p.livekitParticipantSid]), [['vee', first.sid]]);

    await disconnect(stack().double, l.roomName, 'vee');
    const gone = await stateWhen(l.id, (x) => x.viewerCount === 0, 'vee left');
    assert.deepEqual(gone.participants, []);
    assert.deepEqual(gone.people, []);
    assert.equal(gone.peakViewerCount, 1, 'the peak is never lowered');
    assert.equal(gone.peakAt, peakAt);
    assert.equal(gone.totalViewers, 1);
    await until(() => stream.events.find((e) => e.event === 'viewer_count_update' && e.data.viewerCount === 0), 6500, 'SSE viewer_count_update back to 0');

    // Back with a new LiveKit session (a new sid): one viewer, ever.
    const second = await connect(stack().double, l.roomName, { token: seat.token });
    assert.notEqual(second.sid, first.sid);
    const back = await stateWhen(l.id, (x) => x.viewerCount === 1, 'vee back');
    assert.equal(back.totalViewers, 1);
    assert.equal(back.peakViewerCount, 1);
    assert.equal(back.peakAt, peakAt, 'reaching the same peak again does not move it');
    assert.deepEqual(back.participants, ['vee']);
    stream.close();
  });

  it('the creator connected is the host, not a viewer; aborted connections count as leaves', async () => {
    const l = await create({ createdBy: 'the-host' });
    await connect(stack().double, l.roomName, { identity: 'the-host', name: 'The Host' });
    await connect(stack().double, l.roomName, { identity: 'watcher', name: 'Watcher' });
    const st = await stateWhen(l.id, (x) => x.participants.length === 2, 'host and viewer connected');
    assert.equal(st.hostConnected, true);
    assert.equal(st.viewerCount, 1, 'the host is not counted as a viewer');
    assert.equal(st.totalViewers, 1);
    assert.deepEqual(st.people.map((p) => [p.userId, p.role]).sort(), [['the-host', 'HOST'], ['watcher', 'VIEWER']]);
    await disconnect(stack().double, l.roomName, 'watcher', { aborted: true });
    await disconnect(stack().double, l.roomName, 'the-host', { aborted: true });
    const after = await stateWhen(l.id, (x) => x.participants.length === 0, 'both aborted');
    assert.equal(after.viewerCount, 0);
    assert.equal(after.hostConnected, false);
    assert.equal(after.peakViewerCount, 1);
  });

  it('SSE: the host arriving (the viewer count unchanged) is pushed at once; the host is never a viewer', async () => {
    const l = await create({ createdBy: 'sse-host' });
    const stream = sse(`${stack().base}/api/v1/livestreams/${l.id}/events`);
    await stream.ready;
    await fetch(`${stack().double.url}/_double/rooms/${l.roomName}/simulate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ viewers: 20, prefix: 'hv' }) });
    await until(() => stream.events.find((e) => e.event === 'viewer_count_update' && e.data.viewerCount === 20), 8000, 'update with 20 viewers');
    const t0 = Date.now();
    await connect(stack().double, l.roomName, { identity: 'sse-host', name: 'The Host' });
    const up = await until(() => stream.events.find((e) => e.event === 'viewer_count_update' && e.data.hostConnected), 6500, 'update with the host connected');
    assert.ok(up.at - t0 < 1500, `the host's arrival took ${up.at - t0} ms`);
    assert.equal(up.data.viewerCount, 20);
    assert.ok(up.data.participants.includes('sse-host'));
    assert.deepEqual(up.data.people.find((p) => p.userId === 'sse-host')?.role, 'HOST');
    stream.close();
  });

  it('a participant_left before its participant_joined (same sid) counts nobody, with or without a seat', async () => {
    const l = await create();
    const stream = sse(`${stack().base}/api/v1/livestreams/${l.id}/events`);
    await stream.ready;
    await join(l.id, 'late-seated', 'Late Seated');
    const pairs = ['late-bare', 'late-seated'].map((identity) => {
      const sid = uid('PA_LATE');
      return [event('participant_left', l.roomName, { identity, sid }), event('participant_joined', l.roomName, { identity, sid })];
    });
    for (const [left] of pairs) await postOk(stack().base, left);
    await sleep(300);
    for (const [, joined] of pairs) await postOk(stack().base, joined);
    // Each twice more, in either order: duplicates change nothing.
    for (const [left, joined] of pairs) {
      await postOk(stack().base, joined);
      await postOk(stack().base, left);
    }
    const marker = await settleWith(l);
    const st = await state(l.id);
    assert.deepEqual(st.participants, [marker], 'only the marker is connected');
    assert.equal(st.viewerCount, 1);
    assert.equal(st.totalViewers, 1, 'a tombstoned session never counted');
    assert.equal(st.peakViewerCount, 1);
    const seats = await allSeats(stack().base, l.id);
    assert.deepEqual(seats.filter((p) => p.status === 'JOINED').map((p) => p.userId), [marker]);
    for (const e of stream.events)
      assert.ok(!e.data.participants?.some((p) => p.startsWith('late-')), `SSE showed a late join: ${JSON.stringify(e.data)}`);
    stream.close();
  });

  it('two sessions of one user count once; an API leave ends them all at once; late events of those sessions change nothing', async () => {
    const l = await create();
    const [s1, s2] = [uid('PA_T1'), uid('PA_T2')];
    const ev = (name, sid) => event(name, l.roomName, { identity: 'twin', sid, name: 'Twin' });
    await postOk(stack().base, ev('participant_joined', s1));
    await postOk(stack().base, ev('participant_joined', s2));
    await settleWith(l, 'twin-marker');
    let st = await state(l.id);
    assert.equal(st.viewerCount, 2, 'twin and the marker');
    assert.equal(st.participants.filter((p) => p === 'twin').length, 1, `participants: ${st.participants}`);
    assert.equal(st.people.filter((p) => p.userId === 'twin').length, 1, 'one person for two sessions');
    await postOk(stack().base, ev('participant_left', s1));
    await settleWith(l, 'twin-mid');
    st = await state(l.id);
    assert.ok(st.participants.includes('twin'), 'still connected through the second session');
    assert.equal(st.viewerCount, 3, 'twin and two markers');
    const left = await api('POST', `/api/v1/livestreams/${l.id}/leave`, { json: { userId: 'twin' } });
    assert.equal(left.status, 200, left.text);
    st = await state(l.id);
    assert.deepEqual(st.participants.sort(), ['twin-marker', 'twin-mid'], 'the API leave ended every session of the user');
    assert.equal(st.viewerCount, 2);
    // LiveKit's late reports about those sessions: no double decrement, no comeback.
    await postOk(stack().base, ev('participant_left', s2));
    await postOk(stack().base, ev('participant_left', s1));
    await postOk(stack().base, ev('participant_joined', s1));
    await settleWith(l, 'twin-marker-2');
    st = await state(l.id);
    assert.deepEqual(st.participants.sort(), ['twin-marker', 'twin-marker-2', 'twin-mid']);
    assert.equal(st.viewerCount, 3);
    assert.equal(st.totalViewers, 4);
    assert.equal(st.peakViewerCount, 3);
    assert.equal((await api('GET', `/api/v1/livestreams/${l.id}/participants?status=JOINED`)).body.data.filter((p) => p.userId === 'twin').length, 0, 'twin\'s seat stays LEFT');
  });

  it('the six orders of {join S1, leave S1, join S2} for 30 users, step by step: each user counted once', async () => {
    const l = await create();
    const users = Array.from({ length: 30 }, (_, i) => `ord-${i}`);
    // Half of them reserved a seat through the API first, the others connect without one.
    for (let i = 0; i < users.length; i += 2) await join(l.id, users[i], `Name ${users[i]}`);
    const plan = orderedEvents(l.roomName, users);
    for (let step = 0; step < 3; step++) {
      // All users' step-th events at once (applied in batches by the workers).
      await Promise.all(plan.map((u) => postOk(stack().base, u.steps[step])));
      const st = await state(l.id);
      assert.ok(st.viewerCount <= users.length && st.viewerCount >= 0, `after step ${step + 1}: viewerCount ${st.viewerCount}`);
    }
    const onS2 = async () => {
      const seats = (await allSeats(stack().base, l.id)).filter((p) => p.status === 'JOINED');
      return seats.length === users.length && seats.every((p) => p.livekitParticipantSid === plan.find((u) => u.identity === p.userId)?.s2) && seats;
    };
    await until(onS2, 15000, 'every seat JOINED on its S2');
    await sleep(1000);
    const check = async (what) => {
      const st = await state(l.id);
      assert.equal(st.viewerCount, users.length, `${what}: viewerCount`);
      assert.equal(st.totalViewers, users.length, `${what}: totalViewers`);
      assert.equal(st.peakViewerCount, users.length, `${what}: the peak never counted anyone twice`);
      assert.deepEqual(st.participants.slice().sort(), users.slice().sort(), `${what}: participants`);
      assert.equal(st.people.length, users.length, `${what}: people`);
      for (const p of st.people) assert.equal(p.displayName, `Name ${p.userId}`);
      const seats = await onS2();
      assert.ok(seats, `${what}: every user has exactly one JOINED seat, on S2`);
    };
    await check('after the six orders');
    // Every event delivered again, in reverse: exactly once means nothing changes.
    for (const u of plan) for (const e of u.steps.slice().reverse()) await postOk(stack().base, e);
    await settleWith(l, 'ord-marker');
    const withMarker = await state(l.id);
    assert.equal(withMarker.viewerCount, users.length + 1);
    assert.deepEqual(withMarker.participants.filter((p) => p !== 'ord-marker').sort(), users.slice().sort());
    // Everyone's S2 ends: nobody is left, the peak stays.
    await Promise.all(plan.map((u) => postOk(stack().base, event('participant_left', l.roomName, { identity: u.identity, sid: u.s2 }))));
    const empty = await stateWhen(l.id, (x) => x.viewerCount === 1, 'every S2 left');
    assert.deepEqual(empty.participants, ['ord-marker']);
    assert.equal(empty.peakViewerCount, users.length + 1);
    assert.equal(empty.totalViewers, users.length + 1);
  });

  it('the same 90 events all at once, shuffled and duplicated: each user counted once', async () => {
    const l = await create();
    const users = Array.from({ length: 30 }, (_, i) => `mix-${i}`);
    const plan = orderedEvents(l.roomName, users);
    const all = plan.flatMap((u) => u.steps);
    const sends = [...all, ...all];
    for (let i = sends.length - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [sends[i], sends[j]] = [sends[j], sends[i]]; }
    await Promise.all(sends.map((e) => postOk(stack().base, e)));
    await settleWith(l, 'mix-marker');
    await until(async () => (await state(l.id)).viewerCount === users.length + 1, 10000, 'all users counted');
    await sleep(500);
    const st = await state(l.id);
    assert.equal(st.viewerCount, users.length + 1);
    assert.equal(st.totalViewers, users.length + 1);
    assert.equal(st.peakViewerCount, users.length + 1);
    assert.deepEqual(st.participants.filter((p) => p !== 'mix-marker').sort(), users.slice().sort());
    const seats = (await allSeats(stack().base, l.id)).filter((p) => p.status === 'JOINED' && p.userId !== 'mix-marker');
    assert.equal(seats.length, users.length);
    for (const p of seats) assert.equal(p.livekitParticipantSid, plan.find((u) => u.identity === p.userId).s2, `${p.userId}'s seat`);
  });

  it('livestream records carry viewerCount, peakViewerCount, totalViewers; an ended livestream keeps peak and totalViewers', async () => {
    const by = uid('counted');
    const l = await create({ createdBy: by });
    const item = async () => (await api('GET', `/api/v1/livestreams?createdBy=${by}`)).body.data.find((x) => x.id === l.id);
    const one = async () => (await api('GET', `/api/v1/livestreams/${l.id}`)).body.data;
    const fresh = await one();
    assert.deepEqual([fresh.viewerCount, fresh.peakViewerCount, fresh.totalViewers, fresh.peakAt], [0, 0, 0, null]);
    const listed = await item();
    assert.deepEqual([listed.viewerCount, listed.peakViewerCount, listed.totalViewers], [0, 0, 0]);
    await fetch(`${stack().double.url}/_double/rooms/${l.roomName}/simulate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ viewers: 3, prefix: 'rec' }) });
    await stateWhen(l.id, (x) => x.viewerCount === 3, 'three connected');
    // Reads of the record (cached replies included) follow the counts.
    const three = await until(async () => { const x = await one(); return x.viewerCount === 3 && x; }, 8000, 'GET /livestreams/:id shows 3 viewers');
    assert.equal(three.peakViewerCount, 3);
    assert.equal(three.totalViewers, 3);
    assert.match(three.peakAt, isoRe);
    const inList = await until(async () => { const x = await item(); return x.viewerCount === 3 && x; }, 8000, 'the list shows 3 viewers');
    assert.equal(inList.peakViewerCount, 3);
    assert.equal(inList.totalViewers, 3);
    await disconnect(stack().double, l.roomName, 'rec-0');
    const two = await until(async () => { const x = await one(); return x.viewerCount === 2 && x; }, 8000, 'GET /livestreams/:id shows 2 viewers');
    assert.equal(two.peakViewerCount, 3);
    assert.equal(two.peakAt, three.peakAt);
    const end = await api('DELETE', `/api/v1/livestreams/${l.id}`, { json: { requestingUserId: by } });
    assert.equal(end.status, 200, end.text);
    assert.equal(end.body.data.status, 'ENDED');
    const ended = await until(async () => { const x = await one(); return x.status === 'ENDED' && x; }, 8000, 'ENDED');
    assert.equal(ended.viewerCount, 0);
    assert.equal(ended.peakViewerCount, 3);
    assert.equal(ended.totalViewers, 3);
    assert.equal(ended.peakAt, three.peakAt);
    const endedItem = (await api('GET', `/api/v1/livestreams?createdBy=${by}&status=ENDED`)).body.data[0];
    assert.equal(endedItem.id, l.id);
    assert.deepEqual([endedItem.viewerCount, endedItem.peakViewerCount, endedItem.totalViewers], [0, 3, 3]);
    const st = await state(l.id);
    assert.equal(st.status, 'ENDED');
    assert.match(st.endedAt, isoRe);
    assert.deepEqual(st.participants, []);
    assert.equal(st.viewerCount, 0);
    assert.equal(st.peakViewerCount, 3);
    assert.equal(st.totalViewers, 3);
  });
}

for (const backend of backends()) {
  describe(`audience on ${backend} (embedded)`, () => {
    let s;
    before(async () => {
      s = await startStack({ backend });
    });
    after(async () => {
      const r = await s?.stop();
      assert.equal(r?.code, 0, `server exited with ${JSON.stringify(r)}:\n${s?.output()}`);
    });
    audienceTests(() => s);
  });
}

for (const backend of backends()) {
  describe(`audience and reconciliation on ${backend}`, () => {
    let s;
    before(async () => {
      s = await startStack({ backend, env: { RECONCILIATION_INTERVAL_SECONDS: '1', RECONCILIATION_GRACE_SECONDS: '0', RECONCILIATION_ABSENCES: '2' } });
    });
    after(async () => {
      await s?.stop();
    });

    it('reconciliation counts whom ListParticipants shows and counts out whom it no longer shows', async () => {
      const api = (m, p, o) => call(s.base, m, p, o);
      const state = async (id) => (await api('GET', `/api/v1/livestreams/${id}/state`)).body.data;
      const l = (await api('POST', '/api/v1/livestreams', { json: { roomName: uid('arc'), title: 'T', createdBy: 'rc-host' } })).body.data;
      // LiveKit's webhooks get lost: only ListParticipants tells who is there.
      await fetch(`${s.double.url}/_double/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ webhookUrl: '' }) });
      await fetch(`${s.double.url}/_double/rooms/${l.roomName}/simulate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ viewers: 2, prefix: 'rc' }) });
      const found = await until(async () => { const x = await state(l.id); return x.viewerCount === 2 && x; }, 10000, 'reconciliation finds the two listed viewers');
      assert.deepEqual(found.participants.slice().sort(), ['rc-0', 'rc-1']);
      assert.equal(found.totalViewers, 2);
      // A join LiveKit reported but no longer lists: counted, then counted out.
      assert.equal((await post(s.base, event('participant_joined', l.roomName, { identity: 'phantom' }))).status, 200);
      const gone = await until(async () => { const x = await state(l.id); return x.totalViewers === 3 && !x.participants.includes('phantom') && x; }, 10000, 'the phantom counted, then counted out');
      assert.equal(gone.viewerCount, 2);
      assert.equal(gone.peakViewerCount, 3);
      // One of the listed viewers leaves without a webhook.
      await disconnect(s.double, l.roomName, 'rc-1');
      const one = await until(async () => { const x = await state(l.id); return x.viewerCount === 1 && x; }, 10000, 'rc-1 counted out');
      assert.deepEqual(one.participants, ['rc-0']);
      assert.equal(one.peakViewerCount, 3);
      assert.equal(one.totalViewers, 3);
    });
  });
}

describe('audience in production mode (PostgreSQL + Redis)', { skip: !pg || !redis ? 'needs LSO_TEST_POSTGRES_URL and LSO_TEST_REDIS_URL' : false }, () => {
  let s;
  before(async () => {
    s = await startStack({ backend: 'postgresql', env: { REDIS_URL: redis, WEBHOOK_QUEUE_CONCURRENCY: '4' } });
    assert.equal((await call(s.base, 'GET', '/health')).body.data.mode, 'production');
  });
  after(async () => {
    await s?.stop();
  });
  audienceTests(() => s);
});

describe('audience on two production instances: webhooks to A, reads on B', { skip: !pg || !redis ? 'needs LSO_TEST_POSTGRES_URL and LSO_TEST_REDIS_URL' : false }, () => {
  let a, b;
  before(async () => {
    const env = { REDIS_URL: redis, WEBHOOK_QUEUE_CONCURRENCY: '4' };
    a = await startStack({ backend: 'postgresql', env });
    b = await startStack({ backend: 'postgresql', env: { ...env, DATABASE_URL: a.databaseUrl } });
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('B\'s state, record, list and SSE agree with what A applied', async () => {
    const by = uid('two');
    const l = (await call(a.base, 'POST', '/api/v1/livestreams', { json: { roomName: uid('two'), title: 'T', createdBy: by, maxParticipants: 1000 } })).body.data;
    const stateOn = async (s) => (await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/state`)).body.data;
    // B has the record and the state read (and cached) before anything happens.
    assert.equal((await call(b.base, 'GET', `/api/v1/livestreams/${l.id}`)).body.data.viewerCount, 0);
    assert.equal((await stateOn(b)).viewerCount, 0);
    const stream = sse(`${b.base}/api/v1/livestreams/${l.id}/events`);
    await stream.ready;
    await until(() => stream.events.length >= 1, 3000, 'state on B');
    // A seat on B only: never a viewer anywhere.
    assert.equal((await call(b.base, 'POST', `/api/v1/livestreams/${l.id}/join`, { json: { userId: 'seat-on-b', displayName: 'S', role: 'VIEWER' } })).status, 200);
    const users = Array.from({ length: 24 }, (_, i) => `two-${i}`);
    const plan = orderedEvents(l.roomName, users);
    for (let step = 0; step < 3; step++) await Promise.all(plan.map((u) => postOk(a.base, u.steps[step])));
    const onB = await until(async () => { const x = await stateOn(b); return x.viewerCount === users.length && x; }, 10000, `B sees ${users.length} viewers`);
    await sleep(1000);
    const [stA, stB] = [await stateOn(a), await stateOn(b)];
    assert.equal(stB.viewerCount, users.length);
    assert.equal(stB.totalViewers, users.length);
    assert.equal(stB.peakViewerCount, users.length);
    assert.deepEqual(stB.participants.slice().sort(), users.slice().sort());
    assert.ok(!stB.participants.includes('seat-on-b'));
    for (const k of ['viewerCount', 'totalViewers', 'peakViewerCount', 'peakAt', 'hostConnected'])
      assert.deepEqual(stB[k], stA[k], `${k} on B vs A`);
    assert.deepEqual(stB.participants.slice().sort(), stA.participants.slice().sort());
    assert.deepEqual(stB.people.map((p) => p.userId).sort(), stA.people.map((p) => p.userId).sort());
    assert.ok(onB);
    const upd = await until(() => stream.events.find((e) => e.event === 'viewer_count_update' && e.data.viewerCount === users.length), 6500, 'SSE on B with the final count');
    assert.equal(upd.data.streamId, l.id);
    for (const e of stream.events) assert.ok(e.data.viewerCount <= users.length, `SSE on B overcounted: ${e.data.viewerCount}`);
    // The record and the list on B follow (cached replies included).
    const rec = await until(async () => { const x = (await call(b.base, 'GET', `/api/v1/livestreams/${l.id}`)).body.data; return x.viewerCount === users.length && x; }, 8000, 'GET /livestreams/:id on B shows the count');
    assert.equal(rec.peakViewerCount, users.length);
    assert.equal(rec.totalViewers, users.length);
    const item = (await call(b.base, 'GET', `/api/v1/livestreams?createdBy=${by}`)).body.data[0];
    assert.deepEqual([item.viewerCount, item.peakViewerCount, item.totalViewers], [users.length, users.length, users.length]);
    // Half leave through webhooks to B, the livestream ends on A: B keeps peak and total.
    await Promise.all(plan.slice(0, 12).map((u) => postOk(b.base, event('participant_left', l.roomName, { identity: u.identity, sid: u.s2 }))));
    await until(async () => (await stateOn(a)).viewerCount === users.length - 12, 8000, 'A sees the leaves posted to B');
    assert.equal((await call(a.base, 'DELETE', `/api/v1/livestreams/${l.id}`, { json: { requestingUserId: by } })).status, 200);
    await until(() => stream.events.find((e) => e.event === 'room_ended'), 6000, 'room_ended on B');
    const ended = await until(async () => { const x = (await call(b.base, 'GET', `/api/v1/livestreams/${l.id}`)).body.data; return x.status === 'ENDED' && x; }, 8000, 'ENDED on B');
    assert.deepEqual([ended.viewerCount, ended.peakViewerCount, ended.totalViewers], [0, users.length, users.length]);
    stream.close();
  });
});
