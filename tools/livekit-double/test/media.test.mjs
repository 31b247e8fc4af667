// Ingress and Egress: the official IngressClient / EgressClient talk to the double unchanged,
// grants are checked per service, the control API drives the state machines, and each change
// sends the signed webhook LiveKit sends (verified with the SDK's WebhookReceiver).
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EgressStatus, EncodedFileOutput, IngressInput, IngressState_Status } from '@livekit/protocol';
import { EgressClient, IngressClient, RoomServiceClient, WebhookReceiver } from 'livekit-server-sdk';
import { API_KEY, API_SECRET, control, serviceToken, startReceiver, withDouble } from './helpers.mjs';

let double;
let target;
let ingress;
let egress;
let rooms;
const receiver = new WebhookReceiver(API_KEY, API_SECRET);

before(async () => {
  target = await startReceiver();
  double = await withDouble({ webhookUrl: target.url, webhookRetryBaseMs: 10 });
  ingress = new IngressClient(double.url, API_KEY, API_SECRET);
  egress = new EgressClient(double.url, API_KEY, API_SECRET);
  rooms = new RoomServiceClient(double.url, API_KEY, API_SECRET);
});
after(async () => {
  await double.close();
  await target.close();
});
beforeEach(async () => {
  await control(double.url, 'POST', '/reset');
  target.requests.length = 0;
});

/** The verified webhook events received so far, by name. */
async function events(name) {
  const out = [];
  for (const r of target.requests) {
    const e = await receiver.receive(r.body, r.headers.authorization);
    if (!name || e.event === name) out.push(e);
  }
  return out;
}

async function until(fn, timeoutMs = 3000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Ingress', () => {
  test('create, list, an encoder connects and disconnects, delete', async () => {
    const info = await ingress.createIngress(IngressInput.RTMP_INPUT, {
      name: 'ls-1', roomName: 'room-a', participantIdentity: 'carol', participantName: 'Carol',
    });
    assert.match(info.ingressId, /^IN_/);
    assert.ok(info.streamKey.length >= 20, 'a stream key');
    assert.match(info.url, /^rtmp:\/\//);
    assert.equal(info.state.status, IngressState_Status.ENDPOINT_INACTIVE);
    const listed = await ingress.listIngress({ roomName: 'room-a' });
    assert.deepEqual(listed.map((i) => i.ingressId), [info.ingressId]);
    assert.equal((await ingress.listIngress({ ingressId: info.ingressId }))[0].streamKey, info.streamKey);

    const connected = await control(double.url, 'POST', `/ingress/${info.ingressId}/connect`, { buffering: true });
    assert.equal(connected.status, 200);
    assert.equal(connected.json.state.status, 'ENDPOINT_BUFFERING');
    await control(double.url, 'POST', `/ingress/${info.ingressId}/publish`, {});
    await control(double.url, 'POST', `/ingress/${info.ingressId}/disconnect`, { error: 'bad codec' });
    await target.waitFor(3);
    const seen = await events();
    assert.deepEqual(seen.map((e) => e.event), ['ingress_started', 'ingress_started', 'ingress_ended']);
    assert.deepEqual(seen.map((e) => e.ingressInfo.state.status), [
      IngressState_Status.ENDPOINT_BUFFERING, IngressState_Status.ENDPOINT_PUBLISHING, IngressState_Status.ENDPOINT_ERROR]);
    assert.equal(seen[2].ingressInfo.state.error, 'bad codec');
    assert.ok(seen[0].ingressInfo.state.startedAt > 0n);
    assert.equal(seen[0].ingressInfo.state.startedAt, seen[2].ingressInfo.state.startedAt, 'one session');

    await ingress.deleteIngress(info.ingressId);
    assert.equal((await ingress.listIngress({})).length, 0);
    await assert.rejects(ingress.deleteIngress(info.ingressId), /not found/);
  });

  test('WHIP may skip transcoding, RTMP may not', async () => {
    const whip = await ingress.createIngress(IngressInput.WHIP_INPUT, {
      name: 'w', roomName: 'r', participantIdentity: 'h', enableTranscoding: false,
    });
    assert.equal(whip.inputType, IngressInput.WHIP_INPUT);
    assert.match(whip.url, /^http/);
    await assert.rejects(ingress.createIngress(IngressInput.RTMP_INPUT, {
      name: 'r', roomName: 'r', participantIdentity: 'h', enableTranscoding: false,
    }), /transcoding/);
  });

  test('every call needs ingressAdmin', async () => {
    const token = await serviceToken({ roomRecord: true, roomAdmin: true, roomCreate: true });
    const res = await fetch(`${double.url}/twirp/livekit.Ingress/ListIngress`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: '{}',
    });
    assert.equal(res.status, 403);
    assert.match((await res.json()).msg, /ingressAdmin/);
  });
});

describe('Egress', () => {
  test('room composite: starting → active (egress_started) → stop → ending → complete with a file', async () => {
    await rooms.createRoom({ name: 'rec' });
    const started = await egress.startRoomCompositeEgress('rec', {
      file: new EncodedFileOutput({ filepath: 'recordings/x/y.mp4' }),
    });
    assert.match(started.egressId, /^EG_/);
    assert.equal(started.status, EgressStatus.EGRESS_STARTING);
    await until(async () => (await egress.listEgress({ roomName: 'rec', active: true }))[0]?.status === EgressStatus.EGRESS_ACTIVE);
    const stopping = await egress.stopEgress(started.egressId);
    assert.equal(stopping.status, EgressStatus.EGRESS_ENDING);
    await until(async () => (await egress.listEgress({ active: true })).length === 0);
    const [done] = await egress.listEgress({ egressId: started.egressId });
    assert.equal(done.status, EgressStatus.EGRESS_COMPLETE);
    assert.equal(done.fileResults[0].filename, 'recordings/x/y.mp4');
    assert.ok(done.fileResults[0].duration > 0n);
    await until(async () => (await events('egress_ended')).length === 1);
    assert.deepEqual((await events()).filter((e) => e.egressInfo).map((e) => [e.event, e.egressInfo.status]), [
      ['egress_started', EgressStatus.EGRESS_ACTIVE],
      ['egress_updated', EgressStatus.EGRESS_ENDING],
      ['egress_ended', EgressStatus.EGRESS_COMPLETE]]);
  });

  test('the control API fails, completes or forgets an egress', async () => {
    await rooms.createRoom({ name: 'rec2' });
    const a = await egress.startRoomCompositeEgress('rec2', { file: new EncodedFileOutput({ filepath: 'a.mp4' }) });
    const b = await egress.startRoomCompositeEgress('rec2', { file: new EncodedFileOutput({ filepath: 'b.mp4' }) });
    const c = await egress.startRoomCompositeEgress('rec2', { file: new EncodedFileOutput({ filepath: 'c.mp4' }) });
    assert.equal((await control(double.url, 'POST', `/egress/${a.egressId}/fail`, { error: 'no space' })).status, 200);
    const done = await control(double.url, 'POST', `/egress/${b.egressId}/complete`, { location: 'https://cdn/b.mp4', durationMs: 5000, size: 42 });
    assert.equal(done.json.file_results[0].location, 'https://cdn/b.mp4');
    assert.equal(done.json.file_results[0].duration, '5000000000');
    await control(double.url, 'POST', `/egress/${c.egressId}/forget`, {});
    assert.deepEqual((await egress.listEgress({ roomName: 'rec2' })).map((e) => e.egressId).sort(), [a.egressId, b.egressId].sort());
    assert.equal((await control(double.url, 'POST', `/egress/${a.egressId}/complete`, {})).status, 412);
    assert.equal((await control(double.url, 'POST', '/egress/EG_nope/complete', {})).status, 404);
    await until(async () => (await events('egress_ended')).length === 2);
    const failed = (await events('egress_ended')).find((e) => e.egressInfo.egressId === a.egressId);
    assert.equal(failed.egressInfo.status, EgressStatus.EGRESS_FAILED);
    assert.equal(failed.egressInfo.error, 'no space');
  });

  test('closing the room completes its running egresses', async () => {
    await rooms.createRoom({ name: 'closing' });
    const e = await egress.startRoomCompositeEgress('closing', { file: new EncodedFileOutput({ filepath: 'c.mp4' }) });
    await rooms.deleteRoom('closing');
    const [done] = await egress.listEgress({ egressId: e.egressId });
    assert.equal(done.status, EgressStatus.EGRESS_COMPLETE);
    await until(async () => (await events('egress_ended')).length === 1);
  });

  test('a room that does not exist cannot be recorded, and every call needs roomRecord', async () => {
    await assert.rejects(egress.startRoomCompositeEgress('missing', { file: new EncodedFileOutput({ filepath: 'x.mp4' }) }), /not found/);
    const token = await serviceToken({ ingressAdmin: true, roomAdmin: true, room: 'x' });
    const res = await fetch(`${double.url}/twirp/livekit.Egress/ListEgress`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: '{}',
    });
    assert.equal(res.status, 403);
    assert.match((await res.json()).msg, /roomRecord/);
  });

  test('answers are snake_case with defaults and int64 as strings, like the real server', async () => {
    await rooms.createRoom({ name: 'wire' });
    const token = await serviceToken({ roomRecord: true });
    const res = await fetch(`${double.url}/twirp/livekit.Egress/StartRoomCompositeEgress`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      // What the orchestrator sends (camelCase field names).
      body: JSON.stringify({ roomName: 'wire', fileOutputs: [{ fileType: 'MP4', filepath: 'recordings/l/r.mp4' }] }),
    });
    assert.equal(res.status, 200);
    const json = await res.json();
    assert.match(json.egress_id, /^EG_/);
    assert.equal(json.room_name, 'wire');
    assert.equal(json.status, 'EGRESS_STARTING');
    assert.equal(json.started_at, '0');
    assert.equal(typeof json.updated_at, 'string');
    assert.deepEqual(json.file_results, []);
  });
});
