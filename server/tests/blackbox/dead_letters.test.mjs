// Dead letters an operator can act on, against the real binary on every backend: admins list,
// show, replay and drop them over the API (others get 401/403); a replay is applied once; a
// signed body that is not a valid event is refused with 400 and never queued. A webhook is made
// to die deterministically by a database constraint the test adds (and later removes) that
// refuses one participant's record: with WEBHOOK_MAX_ATTEMPTS=1 its first failure buries it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startStack, call, assertError, backends } from './support.mjs';
import { event, post, until, sleep, uid } from './webhook_support.mjs';
import { signup } from './identity_support.mjs';

// Runs SQL against the stack's store database with the backend's own client.
function sql(stack, backend, text) {
  if (backend === 'postgresql') {
    execFileSync('psql', [stack.databaseUrl, '-v', 'ON_ERROR_STOP=1', '-qc', text], { stdio: 'pipe' });
  } else {
    // The server holds the file open in WAL mode; wait for its write lock rather than fail.
    execFileSync('sqlite3', ['-cmd', '.timeout 5000', stack.databaseUrl.slice('sqlite:'.length), text], { stdio: 'pipe' });
  }
}

// Refuses (or allows again) participant records of one identity: the worker's transaction fails.
function block(stack, backend, identity) {
  if (backend === 'postgresql')
    sql(stack, backend, `ALTER TABLE participants ADD CONSTRAINT lso_test_block CHECK (user_id <> '${identity}') NOT VALID`);
  else
    sql(stack, backend, `CREATE TRIGGER lso_test_block BEFORE INSERT ON participants WHEN NEW.user_id = '${identity}' BEGIN SELECT RAISE(ABORT, 'blocked by the test'); END`);
}
function unblock(stack, backend) {
  if (backend === 'postgresql') sql(stack, backend, 'ALTER TABLE participants DROP CONSTRAINT lso_test_block');
  else sql(stack, backend, 'DROP TRIGGER lso_test_block');
}

for (const backend of backends()) {
  describe(`dead letters on ${backend}`, () => {
    let s;
    let admin;
    let viewer;
    let live;
    const as = (who, m, p, o = {}) => call(s.base, m, p, { ...o, headers: { ...(who?.headers ?? {}), ...(o.headers ?? {}) } });
    const dead = async () => (await as(admin, 'GET', '/api/v1/webhooks/dead?limit=500')).body.data;
    const participants = async () => (await as(admin, 'GET', `/api/v1/livestreams/${live.id}/participants`)).body.data;
    const queueCounts = async () => (await call(s.base, 'GET', '/health')).body.data.services.queue;
    // A participant_joined for `identity` in the livestream's room, as LiveKit sends it.
    const joined = (identity) => event('participant_joined', live.roomName, { identity });
    // Sends `e` (200) and waits until its dead letter is listed.
    const bury = async (e) => {
      const text = JSON.stringify(e);
      const r = await post(s.base, text);
      assert.equal(r.status, 200, r.text);
      const d = await until(async () => (await dead()).find((x) => x.webhookId === e.id), 8000, `dead letter of ${e.id}`);
      return { d, text };
    };

    before(async () => {
      s = await startStack({ backend, env: { AUTH_MODE: 'accounts', WEBHOOK_MAX_ATTEMPTS: '1', AUTH_GUESTS: 'false' } });
      admin = await signup(s.base, uid('admin').toLowerCase().slice(0, 32));  // the first account is admin
      assert.equal(admin.user.admin, true);
      viewer = await signup(s.base, uid('viewer').toLowerCase().slice(0, 32));
      assert.equal(viewer.user.admin, false);
      const r = await as(admin, 'POST', '/api/v1/livestreams', { json: { roomName: uid('dead'), title: 'Dead letters' } });
      assert.equal(r.status, 201, r.text);
      live = r.body.data;
    });
    after(async () => {
      const r = await s.stop();
      assert.equal(r.code, 0, s.output());
    });

    it('admins list and show a dead letter; viewers get 403 and nobody 401', async () => {
      const identity = uid('blocked');
      block(s, backend, identity);
      let d;
      let text;
      try {
        ({ d, text } = await bury(joined(identity)));
      } finally {
        unblock(s, backend);
      }
      assert.equal(d.attempts, 1);
      assert.equal(typeof d.id, 'string');
      assert.equal(d.bodySize, Buffer.byteLength(text));
      assert.ok(d.lastError.length > 0, JSON.stringify(d));
      assert.ok(Math.abs(Date.parse(d.diedAt) - Date.now()) < 60_000, d.diedAt);
      assert.equal(d.body, undefined);  // the list leaves bodies out

      const shown = await as(admin, 'GET', `/api/v1/webhooks/dead/${encodeURIComponent(d.id)}`);
      assert.equal(shown.status, 200, shown.text);
      assert.equal(shown.body.data.body, text);  // exactly as LiveKit sent it
      assert.equal(shown.body.data.webhookId, d.webhookId);

      // Paging: nothing after the last one.
      const rest = await as(admin, 'GET', `/api/v1/webhooks/dead?after=${encodeURIComponent(d.id)}`);
      assert.equal(rest.status, 200, rest.text);
      assert.deepEqual(rest.body.data.filter((x) => x.id === d.id), []);
      assertError(assert, await as(admin, 'GET', '/api/v1/webhooks/dead?limit=0'), 400);

      const routes = [
        ['GET', '/api/v1/webhooks/dead'],
        ['GET', `/api/v1/webhooks/dead/${encodeURIComponent(d.id)}`],
        ['POST', `/api/v1/webhooks/dead/${encodeURIComponent(d.id)}/replay`],
        ['POST', '/api/v1/webhooks/dead/replay'],
        ['DELETE', `/api/v1/webhooks/dead/${encodeURIComponent(d.id)}`],
      ];
      for (const [m, p] of routes) {
        assertError(assert, await as(viewer, m, p), 403);
        assertError(assert, await as(null, m, p), 401);
      }
      // Still there, untouched.
      assert.ok((await dead()).some((x) => x.id === d.id));
      assert.equal((await participants()).filter((p) => p.userId === identity).length, 0);

      // Replay, now that the store accepts the record: applied, once.
      const replay = await as(admin, 'POST', `/api/v1/webhooks/dead/${encodeURIComponent(d.id)}/replay`);
      assert.equal(replay.status, 200, replay.text);
      assert.deepEqual(replay.body.data, { id: d.id, replayed: true });
      assertError(assert, await as(admin, 'POST', `/api/v1/webhooks/dead/${encodeURIComponent(d.id)}/replay`), 404);
      await until(async () => (await participants()).some((p) => p.userId === identity && p.status === 'JOINED'), 8000, 'the replayed join applied');
      assert.ok(!(await dead()).some((x) => x.id === d.id));
      assertError(assert, await as(admin, 'GET', `/api/v1/webhooks/dead/${encodeURIComponent(d.id)}`), 404);

      // LiveKit delivering the same event again changes nothing: the replay was its one effect.
      assert.equal((await post(s.base, text)).status, 200);
      await sleep(500);
      assert.equal((await participants()).filter((p) => p.userId === identity).length, 1);
      assert.equal((await as(admin, 'GET', `/api/v1/livestreams/${live.id}/state`)).body.data.viewerCount, 1);

      const audit = await as(admin, 'GET', '/api/v1/audit?action=webhook.replay');
      assert.equal(audit.status, 200, audit.text);
      const entries = audit.body.data.filter((e) => e.target === d.id);
      assert.deepEqual(entries.map((e) => e.outcome).sort(), ['not_found', 'ok']);
      assert.equal(entries.find((e) => e.outcome === 'ok').principal, `user:${admin.user.id}`);
      const shows = (await as(admin, 'GET', '/api/v1/audit?action=webhook.show')).body.data;
      assert.ok(shows.some((e) => e.target === d.id && e.outcome === 'ok'));
    });

    it('drop deletes a dead letter for good; replay-all replays the rest once', async () => {
      const dropped = uid('dropped');
      const kept = uid('kept');
      block(s, backend, dropped);
      let first;
      try {
        ({ d: first } = await bury(joined(dropped)));
      } finally {
        unblock(s, backend);
      }
      block(s, backend, kept);
      let second;
      try {
        ({ d: second } = await bury(joined(kept)));
      } finally {
        unblock(s, backend);
      }

      const drop = await as(admin, 'DELETE', `/api/v1/webhooks/dead/${encodeURIComponent(first.id)}`);
      assert.equal(drop.status, 200, drop.text);
      assert.deepEqual(drop.body.data, { id: first.id, dropped: true });
      assertError(assert, await as(admin, 'DELETE', `/api/v1/webhooks/dead/${encodeURIComponent(first.id)}`), 404);
      assertError(assert, await as(admin, 'POST', `/api/v1/webhooks/dead/${encodeURIComponent(first.id)}/replay`), 404);
      assertError(assert, await as(admin, 'GET', '/api/v1/webhooks/dead/no-such-dead-letter'), 404);

      const all = await as(admin, 'POST', '/api/v1/webhooks/dead/replay');
      assert.equal(all.status, 200, all.text);
      assert.deepEqual(all.body.data, { replayed: 1 });
      await until(async () => (await participants()).some((p) => p.userId === kept), 8000, 'the replayed join applied');
      assert.deepEqual(await dead(), []);
      assert.deepEqual((await as(admin, 'POST', '/api/v1/webhooks/dead/replay')).body.data, { replayed: 0 });
      await sleep(300);
      const ps = await participants();
      assert.equal(ps.filter((p) => p.userId === kept).length, 1);
      assert.equal(ps.filter((p) => p.userId === dropped).length, 0);
    });

    it('a signed body that is not a valid event is refused with 400 and never queued', async () => {
      const metric = async () => Number(((await call(s.base, 'GET', '/metrics')).text.match(/lso_webhooks_rejected_total\{reason="malformed"\} (\d+)/) ?? [])[1] ?? NaN);
      const total = (q) => q.waiting + q.active + q.completed + q.failed + q.dead;
      await sleep(2200);  // /health answers from its probe (every 2 s): start from a settled one
      const before = await queueCounts();
      const rejectedBefore = await metric();
      const base = () => joined(uid('shape'));
      const bad = [
        { ...base(), room: 17 },
        { ...base(), participant: 'x' },
        { ...base(), createdAt: { seconds: 1 } },
        { ...base(), createdAt: '12abc' },
        { ...base(), id: 42 },
        { ...base(), event: ['participant_joined'] },
        { ...base(), room: { name: 7 } },
        { ...base(), participant: { identity: 'x', joinedAt: true } },
        { ...base(), participant: { identity: 'x', state: 9 } },
      ];
      for (const e of bad) {
        const r = await post(s.base, e);
        assertError(assert, r, 400);
      }
      assert.equal(await metric(), rejectedBefore + bad.length);
      await sleep(2500);  // the next probe
      const afterCounts = await queueCounts();
      assert.equal(total(afterCounts), total(before), `${JSON.stringify(before)} → ${JSON.stringify(afterCounts)}`);
      assert.equal(afterCounts.dead, before.dead);
      assert.deepEqual(await dead(), []);
    });

    it('every LiveKit event shape still passes the receiver', async () => {
      const room = live.roomName;
      const shapes = [
        event('track_published', room, { identity: uid('pub') }, { track: { sid: 'TR_1', type: 'VIDEO', name: 'camera', source: 'CAMERA', width: 1280, height: 720, simulcast: true, layers: [{ quality: 'HIGH', width: 1280 }] } }),
        event('track_unpublished', room, { identity: uid('pub') }, { track: { sid: 'TR_2', type: 'AUDIO', muted: false } }),
        { event: 'egress_started', id: uid('EV'), createdAt: '1731143400', egressInfo: { egressId: 'EG_1', roomId: 'RM_1', roomName: room, status: 'EGRESS_STARTING', startedAt: '1731143400000000000', fileResults: [] } },
        { event: 'egress_ended', id: uid('EV'), createdAt: 1731143400, egressInfo: { egressId: 'EG_1', status: 'EGRESS_COMPLETE', error: '' } },
        { event: 'ingress_started', id: uid('EV'), createdAt: '1731143400', ingressInfo: { ingressId: 'IN_1', inputType: 'RTMP_INPUT', state: { status: 'ENDPOINT_PUBLISHING' } } },
        { event: 'room_started', id: uid('EV'), created_at: '1731143400', room: { sid: 'RM_x', name: uid('other'), empty_timeout: 300, max_participants: 0, creation_time: '1731143400', enabled_codecs: [{ mime: 'video/VP8' }], metadata: '', num_participants: 0, active_recording: false } },
        { event: 'participant_left', id: uid('EV'), createdAt: '1731143400', numDropped: 0, room: { sid: 'RM_y', name: uid('other') }, participant: { sid: 'PA_z', identity: 'z', state: 'DISCONNECTED', joinedAt: '1731143300', name: 'Z', version: 3, permission: { canSubscribe: true, canPublish: false }, region: 'eu', isPublisher: false, kind: 'STANDARD', attributes: { a: 'b' }, disconnectReason: 'CLIENT_INITIATED' } },
        { event: 'participant_joined', id: uid('EV'), room: null, participant: null, createdAt: null },
        { event: 'some_future_event', id: uid('EV'), createdAt: '1731143400', somethingNew: { nested: [1, 2, 3] }, room: { name: uid('other'), departureTimeout: 20 } },
      ];
      for (const e of shapes) {
        const r = await post(s.base, e);
        assert.equal(r.status, 200, `${JSON.stringify(e)}: ${r.text}`);
      }
    });
  });
}
