// Webhook delivery checked with the SDK's own WebhookReceiver: signature, body hash, content
// type, event order per room, and LiveKit's retry policy (5 attempts, 429/5xx retried).
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ParticipantInfo_State } from '@livekit/protocol';
import { RoomServiceClient, TokenVerifier, WebhookReceiver } from 'livekit-server-sdk';
import { API_KEY, API_SECRET, control, startReceiver, withDouble } from './helpers.mjs';

const receiver = new WebhookReceiver(API_KEY, API_SECRET);

/** A double wired to a receiver that answers with `respond`. */
async function setup(respond, options = {}) {
  const target = await startReceiver(respond);
  const double = await withDouble({ webhookUrl: target.url, webhookRetryBaseMs: 10, ...options });
  return { target, double };
}

let open = [];
afterEach(async () => {
  for (const { target, double } of open) {
    await double.close();
    await target.close();
  }
  open = [];
});
async function use(respond, options) {
  const pair = await setup(respond, options);
  open.push(pair);
  return pair;
}

describe('what a webhook looks like', () => {
  test('body, headers and signature are what LiveKit sends, and the SDK accepts them', async () => {
    const { target, double } = await use();
    await control(double.url, 'POST', '/rooms/wh-room/participants', { identity: 'u1', name: 'User One', metadata: '{"k":"v"}' });
    const [started, joined] = await target.waitFor(2);

    for (const req of [started, joined]) {
      assert.equal(req.headers['content-type'], 'application/webhook+json');
      assert.ok(!req.headers.authorization.startsWith('Bearer'), 'LiveKit sends the bare JWT');
      const event = await receiver.receive(req.body, req.headers.authorization);
      assert.match(event.id, /^EV_/);
      assert.ok(event.createdAt > 0n);
    }
    const first = await receiver.receive(started.body, started.headers.authorization);
    assert.equal(first.event, 'room_started');
    assert.equal(first.room.name, 'wh-room');

    const second = await receiver.receive(joined.body, joined.headers.authorization);
    assert.equal(second.event, 'participant_joined');
    assert.equal(second.room.sid, first.room.sid);
    assert.equal(second.room.numParticipants, 1);
    assert.equal(second.participant.identity, 'u1');
    assert.equal(second.participant.name, 'User One');
    assert.equal(second.participant.metadata, '{"k":"v"}');
    assert.match(second.participant.sid, /^PA_/);

    // Raw JSON: protojson's camelCase, 64-bit numbers as strings, defaults left out.
    const raw = JSON.parse(joined.body);
    assert.equal(typeof raw.createdAt, 'string');
    assert.equal(typeof raw.room.creationTime, 'string');
    assert.equal(raw.participant.state, 'ACTIVE');
    assert.equal(raw.room.num_participants, undefined);
    assert.equal(raw.room.metadata, undefined);

    // The JWT: iss = API key, 5-minute validity, sha256 = base64(SHA-256(body)).
    const claims = await new TokenVerifier(API_KEY, API_SECRET).verify(joined.headers.authorization);
    assert.equal(claims.iss, API_KEY);
    assert.equal(claims.exp - claims.nbf, 300);
    assert.equal(claims.sub, undefined);
    assert.match(claims.sha256, /^[A-Za-z0-9+/]{43}=$/);

    const { json: deliveries } = await control(double.url, 'GET', '/webhooks');
    assert.deepEqual(deliveries.map((d) => [d.event, d.status, d.attempts.length]), [
      ['room_started', 'delivered', 1],
      ['participant_joined', 'delivered', 1],
    ]);
    assert.equal(deliveries[1].body, joined.body);
  });

  test('Twirp calls cause the webhooks LiveKit sends, in order per room', async () => {
    const { target, double } = await use();
    const client = new RoomServiceClient(double.url, API_KEY, API_SECRET);
    await client.createRoom({ name: 'ordered' });
    await client.createRoom({ name: 'ordered' }); // existing: no second room_started
    for (let i = 0; i < 5; i++) {
      await control(double.url, 'POST', '/rooms/ordered/participants', { identity: `v${i}` });
    }
    await client.removeParticipant('ordered', 'v0');
    await client.deleteRoom('ordered');
    const requests = await target.waitFor(1 + 5 + 1 + 4 + 1);
    const events = await Promise.all(requests.map((r) => receiver.receive(r.body, r.headers.authorization)));
    assert.deepEqual(events.map((e) => e.event), [
      'room_started',
      'participant_joined', 'participant_joined', 'participant_joined', 'participant_joined', 'participant_joined',
      'participant_left',
      'participant_left', 'participant_left', 'participant_left', 'participant_left',
      'room_finished',
    ]);
    assert.equal(new Set(events.map((e) => e.id)).size, events.length, 'ids are unique');
    assert.equal(events[6].participant.identity, 'v0');
    assert.equal(events[6].participant.state, ParticipantInfo_State.DISCONNECTED);
    assert.equal(events.at(-1).room.name, 'ordered');
  });

  test('a receiver without a URL configured: events are recorded as not_sent', async () => {
    const double = await withDouble();
    try {
      await control(double.url, 'POST', '/rooms/quiet/participants', { identity: 'x' });
      const { json } = await control(double.url, 'GET', '/webhooks?event=participant_joined');
      assert.equal(json.length, 1);
      assert.equal(json[0].status, 'not_sent');
      await receiver.receive(json[0].body, undefined, true);
    } finally {
      await double.close();
    }
  });
});

describe('delivery and retries', () => {
  test('503 is retried, then the delivery succeeds', async () => {
    const { target, double } = await use((_req, n) => (n <= 2 ? 503 : 200));
    await control(double.url, 'POST', '/rooms/retry/participants', { identity: 'u' });
    await control(double.url, 'POST', '/webhooks/flush');
    // room_started: 503, 503, 200; participant_joined waits behind it, then 200.
    assert.equal(target.requests.length, 4);
    assert.equal(target.requests[0].body, target.requests[2].body, 'a retry resends the same bytes');
    const { json } = await control(double.url, 'GET', '/webhooks');
    assert.deepEqual(json.map((d) => [d.event, d.status, d.attempts.map((a) => a.status)]), [
      ['room_started', 'delivered', [503, 503, 200]],
      ['participant_joined', 'delivered', [200]],
    ]);
  });

  test('backoff doubles from the base', async () => {
    const { target, double } = await use((_req, n) => (n <= 3 ? 500 : 200), { webhookRetryBaseMs: 40 });
    await control(double.url, 'POST', '/webhooks/send', { event: 'room_started', room: 'b' });
    await control(double.url, 'POST', '/webhooks/flush');
    const at = target.requests.map((r) => r.at);
    const gaps = at.slice(1).map((t, i) => t - at[i]);
    assert.equal(gaps.length, 3);
    assert.ok(gaps[0] >= 35 && gaps[1] >= 75 && gaps[2] >= 155, `gaps ${gaps}`);
  });

  test('400 is final: one attempt, delivery rejected, next event still sent', async () => {
    const { target, double } = await use((_req, n) => (n === 1 ? 400 : 200));
    await control(double.url, 'POST', '/rooms/final/participants', { identity: 'u' });
    await control(double.url, 'POST', '/webhooks/flush');
    assert.equal(target.requests.length, 2);
    const { json } = await control(double.url, 'GET', '/webhooks');
    assert.deepEqual(json.map((d) => [d.event, d.status, d.attempts.length, d.responseStatus]), [
      ['room_started', 'rejected', 1, 400],
      ['participant_joined', 'delivered', 1, 200],
    ]);
  });

  test('429 is retried, 501 and 401 are final, five attempts at most', async () => {
    const statuses = { a: [429, 200], b: [501], c: [401], d: [500, 502, 503, 504, 500, 200] };
    const { target, double } = await use((req) => {
      const room = JSON.parse(req.body).room.name;
      return statuses[room].shift();
    });
    for (const room of Object.keys(statuses)) {
      await control(double.url, 'POST', '/webhooks/send', { event: 'room_started', room });
    }
    await control(double.url, 'POST', '/webhooks/flush');
    const { json } = await control(double.url, 'GET', '/webhooks');
    const byRoom = Object.fromEntries(json.map((d) => [d.room, [d.status, d.attempts.length]]));
    assert.deepEqual(byRoom, { a: ['delivered', 2], b: ['rejected', 1], c: ['rejected', 1], d: ['failed', 5] });
    assert.equal(target.requests.length, 2 + 1 + 1 + 5);
  });

  test('connection errors are retried', async () => {
    const target = await startReceiver();
    const url = target.url;
    await target.close(); // nothing listens there now
    const double = await withDouble({ webhookUrl: url, webhookRetryBaseMs: 5 });
    try {
      await control(double.url, 'POST', '/webhooks/send', { event: 'room_started', room: 'down' });
      await control(double.url, 'POST', '/webhooks/flush');
      const { json: [delivery] } = await control(double.url, 'GET', '/webhooks');
      assert.equal(delivery.status, 'failed');
      assert.equal(delivery.attempts.length, 5);
      assert.ok(delivery.attempts.every((a) => a.status === null && a.error));
    } finally {
      await double.close();
    }
  });

  test('Retry-After on 503 is honoured (capped by the maximum backoff)', async () => {
    const { target, double } = await use(
      (_req, n) => (n === 1 ? { status: 503, headers: { 'Retry-After': '1' } } : 200),
      { webhookRetryBaseMs: 1, webhookRetryMaxMs: 120 },
    );
    await control(double.url, 'POST', '/webhooks/send', { event: 'room_started', room: 'ra' });
    await control(double.url, 'POST', '/webhooks/flush');
    const [a, b] = target.requests;
    assert.ok(b.at - a.at >= 110, `waited ${b.at - a.at} ms`);
  });

  test('rooms do not wait for each other', async () => {
    const { target, double } = await use((req) => (JSON.parse(req.body).room.name === 'slow' ? 503 : 200), { webhookRetryBaseMs: 200 });
    await control(double.url, 'POST', '/webhooks/send', { event: 'room_started', room: 'slow' });
    await control(double.url, 'POST', '/webhooks/send', { event: 'room_started', room: 'fast' });
    await target.waitFor(2, 150);
    assert.equal(JSON.parse(target.requests[1].body).room.name, 'fast');
  });
});

describe('POST /_double/webhooks/send', () => {
  test('builds an event from loose parts, with given id and createdAt', async () => {
    const { target, double } = await use();
    const { status, json } = await control(double.url, 'POST', '/webhooks/send', {
      event: 'participant_left',
      room: { name: 'r1', sid: 'RM_given', creation_time: '1700000000' },
      participant: { identity: 'p1', sid: 'PA_given', joinedAt: 1700000001 },
      id: 'EV_fixed',
      createdAt: 1700000002,
      numDropped: 3,
      wait: true,
    });
    assert.equal(status, 202);
    assert.equal(json.status, 'delivered');
    const [req] = target.requests;
    const event = await receiver.receive(req.body, req.headers.authorization);
    assert.equal(event.event, 'participant_left');
    assert.equal(event.id, 'EV_fixed');
    assert.equal(event.createdAt, 1700000002n);
    assert.equal(event.room.sid, 'RM_given');
    assert.equal(event.room.creationTime, 1700000000n);
    assert.equal(event.participant.sid, 'PA_given');
    assert.equal(event.numDropped, 3);
  });

  test('a participant named by identity takes the live participant', async () => {
    const { target, double } = await use();
    const { json: joined } = await control(double.url, 'POST', '/rooms/live/participants', { identity: 'al' });
    await control(double.url, 'POST', '/webhooks/send', { event: 'participant_joined', room: 'live', participant: 'al', wait: true });
    const req = target.requests.at(-1);
    const event = await receiver.receive(req.body, req.headers.authorization);
    assert.equal(event.participant.sid, joined.participant.sid);
    assert.equal(event.room.sid, joined.room.sid);
  });

  test('raw bodies go out byte for byte, signed', async () => {
    const { target, double } = await use();
    const raw = '{"event":"room_started",  "room":{"name":"x"},"id":"EV_raw","createdAt":1700000000,"extra":{"y":1}}';
    await control(double.url, 'POST', '/webhooks/send', { raw, wait: true });
    const [req] = target.requests;
    assert.equal(req.body, raw);
    const event = await receiver.receive(req.body, req.headers.authorization);
    assert.equal(event.id, 'EV_raw');
  });

  test('deliberately bad signatures are refused by the SDK receiver', async () => {
    const { target, double } = await use();
    for (const signature of ['bad-hash', 'wrong-secret', 'wrong-key', 'expired']) {
      await control(double.url, 'POST', '/webhooks/send', { event: 'room_started', room: signature, signature, wait: true });
    }
    await control(double.url, 'POST', '/webhooks/send', { event: 'room_started', room: 'none', signature: 'none', wait: true });
    await control(double.url, 'POST', '/webhooks/send', { event: 'room_started', room: 'bearer', bearer: true, contentType: 'application/json', wait: true });
    assert.equal(target.requests.length, 6);
    for (const req of target.requests.slice(0, 4)) {
      await assert.rejects(receiver.receive(req.body, req.headers.authorization));
    }
    assert.equal(target.requests[4].headers.authorization, undefined);
    const bearer = target.requests[5];
    assert.equal(bearer.headers['content-type'], 'application/json');
    assert.match(bearer.headers.authorization, /^Bearer /);
    await receiver.receive(bearer.body, bearer.headers.authorization.slice(7));
  });

  test('refuses a request without event or raw, or with bad fields', async () => {
    const { double } = await use();
    assert.equal((await control(double.url, 'POST', '/webhooks/send', { room: 'x' })).status, 400);
    assert.equal((await control(double.url, 'POST', '/webhooks/send', { event: 'x', signature: 'odd' })).status, 400);
    assert.equal((await control(double.url, 'POST', '/webhooks/send', { event: 'x', createdAt: 'soon' })).status, 400);
    assert.equal((await control(double.url, 'POST', '/webhooks/send', { event: 'x', room: { name: 5 } })).status, 400);
  });
});

