// RoomService over Twirp: the official RoomServiceClient talks to the double unchanged, and
// the raw wire (auth, grants, spellings, defaults, errors) matches LiveKit's server.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateRoomRequest, ParticipantInfo_State, Room } from '@livekit/protocol';
import { RoomServiceClient, TwirpError } from 'livekit-server-sdk';
import { API_KEY, API_SECRET, control, serviceToken, twirp, withDouble } from './helpers.mjs';

let double;
let client;

before(async () => {
  double = await withDouble();
  client = new RoomServiceClient(double.url, API_KEY, API_SECRET);
});
after(() => double.close());
beforeEach(() => control(double.url, 'POST', '/reset'));

describe('the SDK RoomServiceClient against the double', () => {
  test('createRoom, listRooms, deleteRoom round trip', async () => {
    const room = await client.createRoom({ name: 'sdk-room', emptyTimeout: 600, maxParticipants: 50, metadata: '{"a":1}' });
    assert.match(room.sid, /^RM_[A-Za-z0-9]{12}$/);
    assert.equal(room.name, 'sdk-room');
    assert.equal(room.emptyTimeout, 600);
    assert.equal(room.maxParticipants, 50);
    assert.equal(room.metadata, '{"a":1}');
    assert.ok(room.creationTime > 0n);

    const rooms = await client.listRooms();
    assert.deepEqual(rooms.map((r) => r.name), ['sdk-room']);
    assert.equal(rooms[0].sid, room.sid);
    assert.deepEqual((await client.listRooms(['other'])).map((r) => r.name), []);
    assert.deepEqual((await client.listRooms(['sdk-room'])).map((r) => r.name), ['sdk-room']);

    await client.deleteRoom('sdk-room');
    assert.equal((await client.listRooms()).length, 0);
  });

  test('createRoom of an existing name returns the existing room', async () => {
    const first = await client.createRoom({ name: 'same', emptyTimeout: 100 });
    const second = await client.createRoom({ name: 'same', emptyTimeout: 999 });
    assert.equal(second.sid, first.sid);
    assert.equal(second.emptyTimeout, 100);
  });

  test('deleteRoom of an unknown room is a not_found TwirpError', async () => {
    await assert.rejects(client.deleteRoom('missing'), (err) => {
      assert.ok(err instanceof TwirpError);
      assert.equal(err.status, 404);
      assert.equal(err.code, 'not_found');
      return true;
    });
  });

  test('participant calls see participants the control API added', async () => {
    await client.createRoom({ name: 'p-room' });
    await control(double.url, 'POST', '/rooms/p-room/participants', { identity: 'alice', name: 'Alice', metadata: '{"role":"HOST"}' });
    await control(double.url, 'POST', '/rooms/p-room/participants', { identity: 'bob' });

    const list = await client.listParticipants('p-room');
    assert.deepEqual(list.map((p) => p.identity).sort(), ['alice', 'bob']);
    const alice = await client.getParticipant('p-room', 'alice');
    assert.match(alice.sid, /^PA_/);
    assert.equal(alice.name, 'Alice');
    assert.equal(alice.metadata, '{"role":"HOST"}');
    assert.equal(alice.state, ParticipantInfo_State.ACTIVE);

    const updated = await client.updateParticipant('p-room', 'alice', { metadata: '{"x":2}', name: 'A.' });
    assert.equal(updated.metadata, '{"x":2}');
    assert.equal(updated.name, 'A.');

    await client.removeParticipant('p-room', 'bob');
    assert.deepEqual((await client.listParticipants('p-room')).map((p) => p.identity), ['alice']);
    await assert.rejects(client.removeParticipant('p-room', 'bob'), (err) => err.code === 'not_found');
    await assert.rejects(client.getParticipant('p-room', 'nobody'), (err) => err.status === 404);
    assert.deepEqual(await client.listParticipants('no-such-room'), []);
  });

  test('updateRoomMetadata, sendData and mutePublishedTrack', async () => {
    await client.createRoom({ name: 'meta-room' });
    const room = await client.updateRoomMetadata('meta-room', 'new metadata');
    assert.equal(room.metadata, 'new metadata');
    await client.sendData('meta-room', new TextEncoder().encode('hi'), 0, { topic: 't' });
    await control(double.url, 'POST', '/rooms/meta-room/participants', { identity: 'host' });
    // The double has no media: there is never a track to mute.
    await assert.rejects(client.mutePublishedTrack('meta-room', 'host', 'TR_x', true), (err) => err.code === 'not_found');
    await assert.rejects(client.updateRoomMetadata('gone', 'x'), (err) => err.code === 'not_found');
  });

  test('every call is logged with its body and grant', async () => {
    await client.createRoom({ name: 'logged', emptyTimeout: 5 });
    await client.listParticipants('logged');
    const { json: calls } = await control(double.url, 'GET', '/calls');
    assert.deepEqual(calls.map((c) => c.method), ['CreateRoom', 'ListParticipants']);
    assert.deepEqual(calls[0].body, { name: 'logged', emptyTimeout: 5 });
    assert.deepEqual(calls[0].grant, { roomCreate: true });
    assert.deepEqual(calls[1].grant, { roomAdmin: true, room: 'logged' });
    assert.equal(calls[0].status, 200);
    assert.ok(!Number.isNaN(Date.parse(calls[0].at)));
    const { json: filtered } = await control(double.url, 'GET', '/calls?method=ListParticipants');
    assert.equal(filtered.length, 1);
  });
});

describe('wire format', () => {
  test('responses are snake_case with defaults emitted, int64 as strings, unset messages null', async () => {
    const token = await serviceToken({ roomCreate: true });
    const res = await twirp(double.url, 'CreateRoom', { name: 'wire' }, { token });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    const room = res.json;
    assert.equal(typeof room.creation_time, 'string');
    assert.match(room.creation_time, /^\d+$/);
    assert.equal(room.empty_timeout, 300); // LiveKit's default when 0 is asked
    assert.equal(room.max_participants, 0);
    assert.equal(room.num_participants, 0);
    assert.equal(room.num_publishers, 0);
    assert.equal(room.metadata, '');
    assert.equal(room.active_recording, false);
    assert.deepEqual(room.enabled_codecs, []);
    assert.equal(room.version, null);
    assert.equal(room.emptyTimeout, undefined);
  });

  test('requests are read in camelCase or snake_case, unknown fields ignored', async () => {
    const token = await serviceToken({ roomCreate: true });
    const camel = await twirp(double.url, 'CreateRoom', { name: 'c', emptyTimeout: 11, maxParticipants: 3, futureField: true }, { token });
    assert.equal(camel.status, 200);
    assert.equal(camel.json.empty_timeout, 11);
    assert.equal(camel.json.max_participants, 3);
    const snake = await twirp(double.url, 'CreateRoom', { name: 's', empty_timeout: 12, max_participants: 4, unknown: { x: 1 } }, { token });
    assert.equal(snake.status, 200);
    assert.equal(snake.json.empty_timeout, 12);
    assert.equal(snake.json.max_participants, 4);
  });

  test('participants come back with state names and snake_case permission', async () => {
    await control(double.url, 'POST', '/rooms/wp/participants', { identity: 'v1', name: 'V', permission: { canSubscribe: true } });
    const token = await serviceToken({ roomAdmin: true, room: 'wp' });
    const res = await twirp(double.url, 'ListParticipants', { room: 'wp' }, { token });
    const [p] = res.json.participants;
    assert.equal(p.identity, 'v1');
    assert.equal(p.state, 'ACTIVE');
    assert.equal(p.kind, 'STANDARD');
    assert.match(p.joined_at, /^\d+$/);
    assert.equal(p.permission.can_subscribe, true);
    assert.equal(p.permission.can_publish, false);
    assert.deepEqual(p.tracks, []);
  });

  test('application/protobuf requests get protobuf answers', async () => {
    const token = await serviceToken({ roomCreate: true });
    const res = await fetch(`${double.url}/twirp/livekit.RoomService/CreateRoom`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/protobuf', Authorization: `Bearer ${token}` },
      body: new CreateRoomRequest({ name: 'bin', emptyTimeout: 42 }).toBinary(),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/protobuf');
    const room = Room.fromBinary(new Uint8Array(await res.arrayBuffer()));
    assert.equal(room.name, 'bin');
    assert.equal(room.emptyTimeout, 42);
  });

  test('Twirp errors: malformed JSON, missing name, unknown method, GET, bad content type', async () => {
    const token = await serviceToken({ roomCreate: true });
    const malformed = await twirp(double.url, 'CreateRoom', '{"name":', { token });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.json.code, 'malformed');
    const missing = await twirp(double.url, 'CreateRoom', {}, { token });
    assert.equal(missing.status, 400);
    assert.equal(missing.json.code, 'invalid_argument');
    const unknown = await twirp(double.url, 'Nope', {}, { token });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.code, 'bad_route');
    const get = await fetch(`${double.url}/twirp/livekit.RoomService/ListRooms`);
    assert.equal(get.status, 404);
    assert.equal((await get.json()).code, 'bad_route');
    const text = await twirp(double.url, 'CreateRoom', 'name=x', { token, contentType: 'text/plain' });
    assert.equal(text.status, 404);
    assert.equal(text.json.code, 'bad_route');
    const elsewhere = await fetch(`${double.url}/twirp/livekit.EgressService/ListEgress`, { method: 'POST' });
    assert.equal(elsewhere.status, 404);
  });
});

describe('authentication and grants', () => {
  const unauthenticated = (res) => {
    assert.equal(res.status, 401);
    assert.equal(res.json.code, 'unauthenticated');
    assert.equal(typeof res.json.msg, 'string');
  };

  test('missing, malformed, wrongly signed, foreign and expired tokens are 401', async () => {
    unauthenticated(await twirp(double.url, 'ListRooms', {}));
    unauthenticated(await twirp(double.url, 'ListRooms', {}, { token: 'Bearer not-a-jwt' }));
    unauthenticated(await twirp(double.url, 'ListRooms', {}, { token: await serviceToken({ roomList: true }, { secret: 'other' }) }));
    unauthenticated(await twirp(double.url, 'ListRooms', {}, { token: await serviceToken({ roomList: true }, { key: 'otherkey' }) }));
    unauthenticated(await twirp(double.url, 'ListRooms', {}, { token: await serviceToken({ roomList: true }, { ttl: '-1m' }) }));
    // Twirp needs the Bearer scheme; a bare JWT (the webhook style) is refused.
    const bare = await fetch(`${double.url}/twirp/livekit.RoomService/ListRooms`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: await serviceToken({ roomList: true }) },
      body: '{}',
    });
    assert.equal(bare.status, 401);
  });

  test('the SDK surfaces a bad secret as an unauthenticated TwirpError', async () => {
    const wrong = new RoomServiceClient(double.url, API_KEY, 'not-the-secret');
    await assert.rejects(wrong.listRooms(), (err) => err.status === 401 && err.code === 'unauthenticated');
  });

  test('each method needs its grant', async () => {
    const denied = async (method, body, grant) => {
      const res = await twirp(double.url, method, body, { token: await serviceToken(grant, { identity: 'someone' }) });
      assert.equal(res.status, 403, `${method} with ${JSON.stringify(grant)}`);
      assert.equal(res.json.code, 'permission_denied');
    };
    await denied('CreateRoom', { name: 'x' }, { roomList: true });
    await denied('DeleteRoom', { room: 'x' }, { roomAdmin: true, room: 'x' });
    await denied('ListRooms', {}, { roomCreate: true });
    await denied('ListParticipants', { room: 'x' }, { roomCreate: true, roomList: true });
    await denied('ListParticipants', { room: 'x' }, { roomAdmin: true, room: 'y' });
    await denied('RemoveParticipant', { room: 'x', identity: 'u' }, { roomAdmin: true });
    await denied('GetParticipant', { room: 'x', identity: 'u' }, { roomJoin: true, room: 'x' });
    await denied('UpdateParticipant', { room: 'x', identity: 'u' }, { roomAdmin: true, room: 'y' });
    await denied('MutePublishedTrack', { room: 'x', identity: 'u' }, { roomCreate: true });
    await denied('UpdateRoomMetadata', { room: 'x' }, { roomList: true });
    await denied('SendData', { room: 'x' }, { roomAdmin: true, room: 'z' });

    const ok = await twirp(double.url, 'ListParticipants', { room: 'x' }, { token: await serviceToken({ roomAdmin: true, room: 'x' }) });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json, { participants: [] });
  });
});

describe('injected failures', () => {
  test('the next count calls of a method fail with the given status and code', async () => {
    await control(double.url, 'POST', '/fail', { method: 'CreateRoom', status: 503, code: 'unavailable', count: 2 });
    await assert.rejects(client.createRoom({ name: 'f' }), (err) => err.status === 503 && err.code === 'unavailable');
    await assert.rejects(client.createRoom({ name: 'f' }), (err) => err.status === 503);
    assert.equal((await client.createRoom({ name: 'f' })).name, 'f');
    // Other methods are untouched.
    assert.equal((await client.listRooms()).length, 1);
  });

  test('code alone picks the Twirp status; status alone picks the code', async () => {
    await control(double.url, 'POST', '/fail', { method: 'ListRooms', code: 'resource_exhausted' });
    await assert.rejects(client.listRooms(), (err) => err.status === 429 && err.code === 'resource_exhausted');
    await control(double.url, 'POST', '/fail', { method: 'ListRooms', status: 500 });
    await assert.rejects(client.listRooms(), (err) => err.status === 500 && err.code === 'internal');
  });

  test('delayMs slows answers; mode close drops the connection; DELETE clears', async () => {
    await control(double.url, 'POST', '/fail', { method: 'ListRooms', delayMs: 150 });
    const started = Date.now();
    await client.listRooms();
    assert.ok(Date.now() - started >= 140);

    await control(double.url, 'POST', '/fail', { method: '*', mode: 'close', count: -1 });
    await assert.rejects(client.listRooms());
    await assert.rejects(client.createRoom({ name: 'z' }));
    await control(double.url, 'DELETE', '/fail');
    assert.deepEqual(await client.listRooms(), []);
  });

  test('bad fault specs are refused', async () => {
    assert.equal((await control(double.url, 'POST', '/fail', { method: 'ListRooms' })).status, 400);
    assert.equal((await control(double.url, 'POST', '/fail', { status: 200 })).status, 400);
    assert.equal((await control(double.url, 'POST', '/fail', { status: 500, count: 0 })).status, 400);
  });
});
