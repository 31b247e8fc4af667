// Recordings (LiveKit Egress) black-box against the real binary and the LiveKit double,
// on every backend: start → active → stop → complete with a file result; a failure; `record:
// true` at create and its stop at the end; who may start and read them; reconciliation of an
// egress LiveKit lost.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, call, assertError, backends, protocol, twirpCalls } from './support.mjs';
import { until } from './webhook_support.mjs';
import { JWT_SECRET, bearer, hostToken, unique } from './identity_support.mjs';

const ENV = {
  AUTH_MODE: 'accounts',
  AUTH_JWT_SECRET: JWT_SECRET,
  RATE_LIMIT_ENABLED: 'false',
  RECORDING_OUTPUTS: 'mp4,hls',
  RECORDING_PATH_PREFIX: 'rec',
  RECONCILIATION_INTERVAL_SECONDS: '1',
  RECONCILIATION_ABSENCES: '2',
  RECONCILIATION_GRACE_SECONDS: '0',
};
const carol = bearer(hostToken('carol', 'Carol'));
const bob = bearer(hostToken('bob', 'Bob'));
const root = bearer(hostToken('root', 'Root', { admin: true }));

async function control(double, path, body = {}) {
  const r = await fetch(`${double.url}/_double${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const json = await r.json();
  assert.equal(r.status, 200, `double ${path}: ${JSON.stringify(json)}`);
  return json;
}
const egresses = async (double, room) =>
  (await (await fetch(`${double.url}/_double/egress`)).json()).filter((e) => e.room_name === room);

for (const backend of backends()) {
  describe(`recordings (${backend})`, () => {
    let s;
    before(async () => { s = await startStack({ backend, env: ENV }); });
    after(async () => { await s?.stop(); });

    async function livestream(extra = {}) {
      const r = await call(s.base, 'POST', '/api/v1/livestreams', {
        headers: carol, json: { roomName: unique('rec'), title: 'Recorded show', ...extra },
      });
      assert.equal(r.status, 201, r.text);
      return r.body.data;
    }
    const recording = async (rid, who = bob) => (await call(s.base, 'GET', `/api/v1/recordings/${rid}`, { headers: who })).body.data;

    it('start, active from egress_started, stop, complete with the file result', async () => {
      const l = await livestream();
      const started = await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/recordings`, { headers: carol });
      assert.equal(started.status, 201, started.text);
      const r = started.body.data;
      // The double sends egress_started as soon as it answers StartRoomCompositeEgress: when the
      // webhook is applied before the reply is read back, the reply already says so.
      assert.ok(['starting', 'active'].includes(r.status), started.text);
      assert.equal(r.livestreamId, l.id);
      const [eg] = await egresses(s.double, l.roomName);
      assert.equal(eg.egress_id, r.egressId);
      const req = eg.room_composite;
      assert.equal(req.file_outputs[0].filepath, `rec/${l.id}/${r.id}.mp4`, 'the settings choose the path');
      assert.equal(req.segment_outputs.length, 1, 'RECORDING_OUTPUTS=mp4,hls asks for HLS too');
      const [sent] = (await twirpCalls(s.double, 'StartRoomCompositeEgress')).filter((c) => c.body?.roomName === l.roomName);
      assert.equal(sent.grant.roomRecord, true);
      const typed = protocol.RoomCompositeEgressRequest.fromJson(sent.body);  // strict: no unknown fields
      assert.equal(typed.fileOutputs[0].fileType, protocol.EncodedFileType.MP4);
      assert.equal(typed.segmentOutputs[0].playlistName, `rec/${l.id}/${r.id}.m3u8`);
      assert.equal(typed.segmentOutputs[0].protocol, protocol.SegmentedFileProtocol.HLS_PROTOCOL);
      assertError(assert, await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/recordings`, { headers: carol }), 409);

      await until(async () => (await recording(r.id)).status === 'active', 8000, 'active');
      const state = (await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/state`, { headers: bob })).body.data;
      assert.equal(state.recording.id, r.id);
      assert.equal(state.recording.status, 'active');

      const stopped = await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/recordings/${r.id}/stop`, { headers: carol });
      assert.equal(stopped.status, 200, stopped.text);
      assert.ok(['ending', 'complete'].includes(stopped.body.data.status), stopped.text);
      const done = await until(async () => {
        const x = await recording(r.id);
        return x.status === 'complete' && x;
      }, 8000, 'complete');
      assert.equal(done.fileLocation, `rec/${l.id}/${r.id}.mp4`);
      assert.equal(done.playlistLocation, `rec/${l.id}/${r.id}.m3u8`);
      assert.ok(done.durationMs >= 0);
      assert.ok(done.sizeBytes > 0);
      assert.ok(done.startedAt && done.endedAt);
      // Stopping a finished recording is idempotent.
      const again = await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/recordings/${r.id}/stop`, { headers: carol });
      assert.equal(again.status, 200, again.text);
      assert.equal(again.body.data.status, 'complete');

      const list = await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/recordings`, { headers: bob });
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(list.body.data.map((x) => x.id), [r.id]);
    });

    it('a failed egress is failed with LiveKit\'s error, and never moves back', async () => {
      const l = await livestream();
      const r = (await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/recordings`, { headers: root })).body.data;
      await until(async () => (await recording(r.id)).status === 'active', 8000, 'active');
      await control(s.double, `/egress/${r.egressId}/fail`, { error: 'disk full' });
      const failed = await until(async () => {
        const x = await recording(r.id);
        return x.status === 'failed' && x;
      }, 8000, 'failed');
      assert.equal(failed.error, 'disk full');
      // A new recording may start once the last one is over.
      const next = await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/recordings`, { headers: carol });
      assert.equal(next.status, 201, next.text);
    });

    it('record: true starts with the livestream and stops at its end', async () => {
      const l = await livestream({ record: true });
      assert.ok(['starting', 'active'].includes(l.recording.status), JSON.stringify(l.recording));  // as above
      const end = await call(s.base, 'DELETE', `/api/v1/livestreams/${l.id}`, { headers: carol });
      assert.equal(end.status, 200, end.text);
      await until(async () => (await recording(l.recording.id)).status === 'complete', 8000, 'complete after the end');
      assert.equal((await egresses(s.double, l.roomName)).filter((e) => ['EGRESS_STARTING', 'EGRESS_ACTIVE', 'EGRESS_ENDING'].includes(e.status)).length, 0);
    });

    it('only the creator or an admin starts or stops a recording; readers read them', async () => {
      const l = await livestream();
      assertError(assert, await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/recordings`, { headers: bob }), 403);
      assertError(assert, await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/recordings`), 401);
      assert.equal((await egresses(s.double, l.roomName)).length, 0, 'no egress was started');
      const r = (await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/recordings`, { headers: carol })).body.data;
      assertError(assert, await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/recordings/${r.id}/stop`, { headers: bob }), 403);
      assert.equal((await call(s.base, 'GET', `/api/v1/recordings/${r.id}`, { headers: bob })).status, 200);
      assertError(assert, await call(s.base, 'GET', '/api/v1/recordings/00000000-0000-4000-8000-000000000000', { headers: bob }), 404);
      assertError(assert, await call(s.base, 'GET', '/api/v1/recordings/nope', { headers: bob }), 404);
      assertError(assert, await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/recordings/00000000-0000-4000-8000-000000000000/stop`, { headers: carol }), 404);
      // A private livestream's recordings are not there for others.
      const p = await livestream({ visibility: 'private' });
      const pr = (await call(s.base, 'POST', `/api/v1/livestreams/${p.id}/recordings`, { headers: carol })).body.data;
      assertError(assert, await call(s.base, 'GET', `/api/v1/recordings/${pr.id}`, { headers: bob }), 404);
      assertError(assert, await call(s.base, 'GET', `/api/v1/livestreams/${p.id}/recordings`, { headers: bob }), 403);
      // Once invited, bob reads them, and still may not start or stop one.
      assert.equal((await call(s.base, 'POST', `/api/v1/livestreams/${p.id}/invites`, { headers: carol, json: { userId: 'bob' } })).status, 201);
      assert.equal((await call(s.base, 'GET', `/api/v1/recordings/${pr.id}`, { headers: bob })).status, 200);
      const listed = await call(s.base, 'GET', `/api/v1/livestreams/${p.id}/recordings`, { headers: bob });
      assert.equal(listed.status, 200, listed.text);
      assert.deepEqual(listed.body.data.map((x) => x.id), [pr.id]);
      assertError(assert, await call(s.base, 'POST', `/api/v1/livestreams/${p.id}/recordings/${pr.id}/stop`, { headers: bob }), 403);
    });

    it('reconciliation aborts a recording LiveKit lost', async () => {
      const l = await livestream();
      const r = (await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/recordings`, { headers: carol })).body.data;
      await until(async () => (await recording(r.id)).status === 'active', 8000, 'active');
      await control(s.double, `/egress/${r.egressId}/forget`);
      const lost = await until(async () => {
        const x = await recording(r.id);
        return x.status === 'aborted' && x;
      }, 10000, 'aborted by reconciliation');
      assert.match(lost.error, /lost by LiveKit/);
    });
  });
}
