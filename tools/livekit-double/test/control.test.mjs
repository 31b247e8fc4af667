// The /_double/ control endpoints: simulated participants and room endings, inspection,
// reset and runtime configuration, with the webhooks each one causes.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AccessToken, RoomServiceClient, WebhookReceiver } from 'livekit-server-sdk';
import { API_KEY, API_SECRET, control, startReceiver, withDouble } from './helpers.mjs';

let double;
let target;
const receiver = new WebhookReceiver(API_KEY, API_SECRET);

before(async () => {
  target = await startReceiver();
  double = await withDouble({ webhookUrl: target.url });
});
after(async () => {
  await double.close();
  await target.close();
});
beforeEach(async () => {
  await control(double.url, 'POST', '/webhooks/flush');
  await control(double.url, 'POST', '/reset');
  target.requests.length = 0;
});

/** Events delivered since the last reset, parsed by the SDK. */
async function delivered() {
  await control(double.url, 'POST', '/webhooks/flush');
  return Promise.all(target.requests.map((r) => receiver.receive(r.body, r.headers.authorization)));
}

describe('participants', () => {
  test('joining a missing room creates it: room_started, then participant_joined', async () => {
    const { status, json } = await control(double.url, 'POST', '/rooms/new-room/participants', {
      identity: 'host-1', name: 'Host', metadata: { role: 'HOST' },
    });
    assert.equal(status, 201);
    assert.match(json.participant.sid, /^PA_/);
    assert.equal(json.participant.state, 'ACTIVE');
    assert.equal(json.participant.metadata, '{"role":"HOST"}');
    assert.equal(json.room.num_participants, 1);
    const events = await delivered();
    assert.deepEqual(events.map((e) => e.event), ['room_started', 'participant_joined']);
    assert.equal(events[1].participant.sid, json.participant.sid);
  });

  test('leaving sends participant_left; ?aborted=1 sends participant_connection_aborted', async () => {
    await control(double.url, 'POST', '/rooms/r/participants', { identity: 'a' });
    await control(double.url, 'POST', '/rooms/r/participants', { identity: 'b' });
    assert.equal((await control(double.url, 'DELETE', '/rooms/r/participants/a')).status, 200);
    assert.equal((await control(double.url, 'DELETE', '/rooms/r/participants/b?aborted=1')).status, 200);
    assert.equal((await control(double.url, 'DELETE', '/rooms/r/participants/b')).status, 404);
    const events = await delivered();
    assert.deepEqual(events.map((e) => `${e.event}:${e.participant?.identity ?? ''}`), [
      'room_started:', 'participant_joined:a', 'participant_joined:b',
      'participant_left:a', 'participant_connection_aborted:b',
    ]);
    // The room stays open when it empties (LiveKit waits for departureTimeout).
    assert.equal((await control(double.url, 'GET', '/rooms/r')).json.num_participants, 0);
  });

  test('rejoining with the same identity replaces the old session', async () => {
    const first = await control(double.url, 'POST', '/rooms/dup/participants', { identity: 'same' });
    const second = await control(double.url, 'POST', '/rooms/dup/participants', { identity: 'same' });
    assert.notEqual(first.json.participant.sid, second.json.participant.sid);
    const events = await delivered();
    assert.deepEqual(events.map((e) => e.event), ['room_started', 'participant_joined', 'participant_left', 'participant_joined']);
    assert.equal(events[2].participant.sid, first.json.participant.sid);
  });

  test('joining with an access token takes identity, name, metadata and grants from it', async () => {
    const at = new AccessToken(API_KEY, API_SECRET, { identity: 'viewer-9', name: 'Nine', metadata: '{"m":1}' });
    at.addGrant({ roomJoin: true, room: 'tok', canSubscribe: true, canPublish: false, canPublishData: false });
    const token = await at.toJwt();
    const { status, json } = await control(double.url, 'POST', '/rooms/tok/participants', { token });
    assert.equal(status, 201);
    assert.equal(json.participant.identity, 'viewer-9');
    assert.equal(json.participant.name, 'Nine');
    assert.equal(json.participant.metadata, '{"m":1}');
    assert.equal(json.participant.permission.can_publish, false);
    assert.equal(json.participant.permission.can_subscribe, true);

    assert.equal((await control(double.url, 'POST', '/rooms/other/participants', { token })).status, 403);
    assert.equal((await control(double.url, 'POST', '/rooms/tok/participants', { token: 'x.y.z' })).status, 401);
    assert.equal((await control(double.url, 'POST', '/rooms/tok/participants', {})).status, 400);
  });

  test('simulate: N viewers join under a prefix', async () => {
    const { json } = await control(double.url, 'POST', '/rooms/big/simulate', { viewers: 25 });
    assert.equal(json.joined, 25);
    assert.equal(json.identities[0], 'sim-viewer-0');
    const custom = await control(double.url, 'POST', '/rooms/big/simulate', { viewers: 2, prefix: 'bot' });
    assert.deepEqual(custom.json.identities, ['bot-0', 'bot-1']);
    const client = new RoomServiceClient(double.url, API_KEY, API_SECRET);
    assert.equal((await client.listParticipants('big')).length, 27);
    const events = await delivered();
    assert.equal(events.filter((e) => e.event === 'participant_joined').length, 27);
    assert.equal(events.at(-1).room.numParticipants, 27);
    assert.equal((await control(double.url, 'POST', '/rooms/big/simulate', { viewers: -1 })).status, 400);
  });
});

describe('rooms', () => {
  test('end: everyone leaves, then room_finished, and the room is gone', async () => {
    await control(double.url, 'POST', '/rooms/ending/simulate', { viewers: 3 });
    assert.equal((await control(double.url, 'POST', '/rooms/ending/end')).status, 200);
    assert.equal((await control(double.url, 'GET', '/rooms/ending')).status, 404);
    const events = await delivered();
    assert.deepEqual(events.slice(4).map((e) => e.event), ['participant_left', 'participant_left', 'participant_left', 'room_finished']);
    assert.equal((await control(double.url, 'POST', '/rooms/ending/end')).status, 404);
  });

  test('drop: the room disappears without any webhook', async () => {
    await control(double.url, 'POST', '/rooms/lost/participants', { identity: 'p' });
    await delivered();
    const before = target.requests.length;
    assert.equal((await control(double.url, 'POST', '/rooms/lost/drop')).status, 200);
    const client = new RoomServiceClient(double.url, API_KEY, API_SECRET);
    assert.deepEqual(await client.listRooms(), []);
    await delivered();
    assert.equal(target.requests.length, before);
  });

  test('GET /rooms lists rooms with their participants', async () => {
    await control(double.url, 'POST', '/rooms/one/participants', { identity: 'x' });
    await control(double.url, 'POST', '/rooms/two%20words/participants', { identity: 'y/z' });
    const { json } = await control(double.url, 'GET', '/rooms');
    assert.deepEqual(json.map((r) => [r.name, r.participants.map((p) => p.identity)]), [['one', ['x']], ['two words', ['y/z']]]);
    assert.equal((await control(double.url, 'DELETE', `/rooms/two%20words/participants/${encodeURIComponent('y/z')}`)).status, 200);
  });
});

describe('browser pages (CORS)', () => {
  const origin = 'http://127.0.0.1:3001';

  test('a preflight from another origin is allowed for JSON bodies and DELETE', async () => {
    for (const path of ['/rooms/r/participants', '/rooms/r/participants/someone']) {
      const res = await fetch(`${double.url}/_double${path}`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': path.endsWith('someone') ? 'DELETE' : 'POST', 'Access-Control-Request-Headers': 'content-type' },
      });
      assert.equal(res.status, 204);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.match(res.headers.get('access-control-allow-methods'), /\bPOST\b/);
      assert.match(res.headers.get('access-control-allow-methods'), /\bDELETE\b/);
      assert.match(res.headers.get('access-control-allow-headers').toLowerCase(), /\bcontent-type\b/);
    }
    // A preflight changes nothing.
    assert.deepEqual((await control(double.url, 'GET', '/rooms')).json, []);
  });

  test('a page announces its token holder and withdraws it, and the answers are readable cross-origin', async () => {
    const at = new AccessToken(API_KEY, API_SECRET, { identity: 'bob', name: 'Bob' });
    at.addGrant({ roomJoin: true, room: 'web', canSubscribe: true, canPublish: false });
    const joined = await fetch(`${double.url}/_double/rooms/web/participants`, {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: await at.toJwt() }),
    });
    assert.equal(joined.status, 201);
    assert.equal(joined.headers.get('access-control-allow-origin'), '*');
    assert.equal((await joined.json()).participant.identity, 'bob');

    const left = await fetch(`${double.url}/_double/rooms/web/participants/bob`, { method: 'DELETE', headers: { Origin: origin } });
    assert.equal(left.status, 200);
    assert.equal(left.headers.get('access-control-allow-origin'), '*');
    const gone = await fetch(`${double.url}/_double/rooms/web/participants/bob`, { method: 'DELETE', headers: { Origin: origin } });
    assert.equal(gone.status, 404);
    assert.equal(gone.headers.get('access-control-allow-origin'), '*', 'errors are readable too');
    const events = await delivered();
    assert.deepEqual(events.map((e) => `${e.event}:${e.participant?.identity ?? ''}`), ['room_started:', 'participant_joined:bob', 'participant_left:bob']);
  });
});

describe('inspection and configuration', () => {
  test('health, reset and unknown routes', async () => {
    await control(double.url, 'POST', '/rooms/h/participants', { identity: 'x' });
    const health = await control(double.url, 'GET', '/health');
    assert.equal(health.status, 200);
    assert.equal(health.json.status, 'ok');
    assert.equal(health.json.rooms, 1);
    assert.equal(health.json.participants, 1);
    await control(double.url, 'POST', '/webhooks/flush');
    await control(double.url, 'POST', '/reset');
    assert.deepEqual((await control(double.url, 'GET', '/rooms')).json, []);
    assert.deepEqual((await control(double.url, 'GET', '/calls')).json, []);
    assert.deepEqual((await control(double.url, 'GET', '/webhooks')).json, []);
    assert.equal((await control(double.url, 'GET', '/nope')).status, 404);
    assert.equal((await control(double.url, 'GET', '/reset')).status, 405);
    const bad = await fetch(`${double.url}/_double/rooms/x/participants`, { method: 'POST', body: '{oops' });
    assert.equal(bad.status, 400);
    const root = await fetch(`${double.url}/`);
    assert.equal(await root.text(), 'OK');
  });

  test('webhooks can be filtered by event and room', async () => {
    await control(double.url, 'POST', '/rooms/f1/participants', { identity: 'a' });
    await control(double.url, 'POST', '/rooms/f2/participants', { identity: 'b' });
    await delivered();
    assert.equal((await control(double.url, 'GET', '/webhooks?event=room_started')).json.length, 2);
    const f2 = (await control(double.url, 'GET', '/webhooks?room=f2')).json;
    assert.deepEqual(f2.map((d) => d.event), ['room_started', 'participant_joined']);
    assert.ok(f2.every((d) => d.status === 'delivered' && d.url === target.url));
  });

  test('the webhook URL can be changed at run time', async () => {
    const other = await startReceiver();
    try {
      const { json } = await control(double.url, 'POST', '/config', { webhookUrl: other.url });
      assert.equal(json.webhookUrl, other.url);
      await control(double.url, 'POST', '/rooms/moved/participants', { identity: 'a' });
      await other.waitFor(2);
    } finally {
      await control(double.url, 'POST', '/config', { webhookUrl: target.url });
      await other.close();
    }
  });
});

describe('room timeouts (enforceRoomTimeouts)', () => {
  test('a room nobody joins closes after emptyTimeout; an emptied one after departureTimeout', async () => {
    const hooks = await startReceiver();
    const timed = await withDouble({ webhookUrl: hooks.url, enforceRoomTimeouts: true });
    try {
      const client = new RoomServiceClient(timed.url, API_KEY, API_SECRET);
      await client.createRoom({ name: 'unused', emptyTimeout: 1 });
      await client.createRoom({ name: 'visited', emptyTimeout: 1, departureTimeout: 1 });
      await control(timed.url, 'POST', '/rooms/visited/participants', { identity: 'a' });
      await new Promise((resolve) => setTimeout(resolve, 1300));
      assert.deepEqual((await client.listRooms()).map((r) => r.name), ['visited'], 'a present participant keeps the room');
      await control(timed.url, 'DELETE', '/rooms/visited/participants/a');
      await new Promise((resolve) => setTimeout(resolve, 1300));
      assert.deepEqual(await client.listRooms(), []);
      await control(timed.url, 'POST', '/webhooks/flush');
      const events = await Promise.all(hooks.requests.map((r) => receiver.receive(r.body, r.headers.authorization)));
      assert.deepEqual(events.map((e) => `${e.event}:${e.room.name}`), [
        'room_started:unused', 'room_started:visited', 'participant_joined:visited',
        'room_finished:unused', 'participant_left:visited', 'room_finished:visited',
      ]);
    } finally {
      await timed.close();
      await hooks.close();
    }
  });
});

describe('simulated publishers (tracks)', () => {
  test('publishing sends track_published; MutePublishedTrack mutes; revoking canPublish unpublishes (track_unpublished)', async () => {
    const client = new RoomServiceClient(double.url.replace('http', 'ws'), API_KEY, API_SECRET);
    await control(double.url, 'POST', '/rooms/stage/participants', { identity: 'viewer', permission: { canSubscribe: true } });
    // A participant without canPublish cannot publish, as LiveKit refuses it.
    assert.equal((await control(double.url, 'POST', '/rooms/stage/participants/viewer/tracks', { type: 'AUDIO' })).status, 403);
    assert.equal((await control(double.url, 'POST', '/rooms/stage/participants/nobody/tracks', { type: 'AUDIO' })).status, 404);
    assert.equal((await control(double.url, 'POST', '/rooms/stage/participants/viewer/tracks', { type: 'SMELL' })).status, 400);
    await client.updateParticipant('stage', 'viewer', undefined, { canPublish: true, canSubscribe: true });
    const { status, json } = await control(double.url, 'POST', '/rooms/stage/participants/viewer/tracks', { type: 'VIDEO' });
    assert.equal(status, 201);
    assert.match(json.track.sid, /^TR_/);
    const listed = await client.listParticipants('stage');
    assert.equal(listed[0].permission.canPublish, true);
    assert.equal(listed[0].tracks.length, 1);
    const muted = await client.mutePublishedTrack('stage', 'viewer', json.track.sid, true);
    assert.equal(muted.muted, true);
    assert.equal((await client.listParticipants('stage'))[0].tracks[0].muted, true);
    await client.updateParticipant('stage', 'viewer', undefined, { canPublish: false, canSubscribe: true });
    assert.equal((await client.listParticipants('stage'))[0].tracks.length, 0);
    const events = await delivered();
    const names = events.map((e) => e.event);
    assert.deepEqual(names.filter((n) => n.startsWith('track_')), ['track_published', 'track_unpublished']);
    const published = events.find((e) => e.event === 'track_published');
    assert.equal(published.track.sid, json.track.sid);
    assert.equal(published.participant.identity, 'viewer');
    // Unpublishing by hand works too, and an unknown track is a 404.
    assert.equal((await control(double.url, 'DELETE', `/rooms/stage/participants/viewer/tracks/${json.track.sid}`)).status, 404);
  });
});
