// Integration test against a running orchestrator (LSO_BASE_URL): the tokens returned by
// POST /api/v1/livestreams/:id/join must verify with the official SDK's TokenVerifier.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { TokenVerifier } from 'livekit-server-sdk';

const baseUrl = process.env.LSO_BASE_URL;
if (!baseUrl) {
  // Run by the project's test script with the orchestrator up; alone it has nothing to test.
  throw new Error('LSO_BASE_URL is not set: point it at a running orchestrator, e.g. http://127.0.0.1:3001');
}
const apiKey = process.env.LIVEKIT_API_KEY || 'devkey';
const apiSecret = process.env.LIVEKIT_API_SECRET || 'secret';
const ttlHours = Number(process.env.TOKEN_EXPIRATION_HOURS || 24);
const verifier = new TokenVerifier(apiKey, apiSecret);

async function post(path, body) {
  const res = await fetch(new URL(`/api/v1${path}`, baseUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    assert.fail(`POST ${path} answered ${res.status} with non-JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.status, json };
}

/** Unwraps a success envelope, failing with the server's message otherwise. */
function data(res, expectedStatus, what) {
  assert.equal(res.status, expectedStatus, `${what}: ${res.status} ${JSON.stringify(res.json)}`);
  assert.equal(res.json.success, true, `${what}: envelope ${JSON.stringify(res.json)}`);
  return res.json.data;
}

const suffix = randomBytes(4).toString('hex');
const host = { userId: `it-host-${suffix}`, displayName: 'Integration Host' };
const viewer = { userId: `it-viewer-${suffix}`, displayName: 'Integration Viewer' };
// Upper case and spaces exercise the room-name sanitising (lowercase, runs of others → '-').
const requestedRoom = `Join Token  Test ${suffix}`;
const expectedRoom = `join-token-test-${suffix}`;

let livestream;

before(async () => {
  livestream = data(await post('/livestreams', {
    roomName: requestedRoom,
    title: `Join token integration ${suffix}`,
    createdBy: host.userId,
  }), 201, 'create livestream');
});

async function joinAndVerify(who, role, metadata) {
  const body = { userId: who.userId, displayName: who.displayName, role };
  if (metadata) body.metadata = metadata;
  const joined = data(await post(`/livestreams/${livestream.id}/join`, body), 200, `join as ${role}`);
  assert.equal(typeof joined.token, 'string');
  assert.equal(typeof joined.url, 'string');
  assert.match(joined.url, /^(ws|wss|http|https):\/\//);
  assert.equal(joined.participant.userId, who.userId);
  assert.equal(joined.participant.role, role);

  const claims = await verifier.verify(joined.token);
  const now = Math.floor(Date.now() / 1000);
  assert.equal(claims.iss, apiKey);
  assert.equal(claims.sub, who.userId);
  assert.equal(claims.name, who.displayName);
  assert.ok(Math.abs(claims.exp - (now + ttlHours * 3600)) <= 120, `exp ${claims.exp} is not now + ${ttlHours} h`);
  assert.ok(claims.nbf === undefined || claims.nbf <= now + 10, 'token usable now');
  if (metadata) {
    assert.equal(typeof claims.metadata, 'string');
    const parsed = JSON.parse(claims.metadata);
    for (const [k, v] of Object.entries(metadata)) assert.deepEqual(parsed[k], v, `metadata.${k}`);
  } else if (claims.metadata !== undefined && claims.metadata !== '') {
    assert.equal(typeof JSON.parse(claims.metadata), 'object');
  }
  const video = claims.video;
  assert.ok(video, 'video grant present');
  assert.equal(video.room, expectedRoom);
  assert.equal(video.room, livestream.roomName);
  assert.equal(video.roomJoin, true);
  assert.equal(video.canSubscribe, true);
  return video;
}

describe('join tokens verify with livekit-server-sdk', () => {
  test('the livestream is LIVE on the sanitised room name', () => {
    assert.equal(livestream.roomName, expectedRoom);
    assert.equal(livestream.status, 'LIVE');
  });

  test('HOST (the creator) may publish media and data', async () => {
    const video = await joinAndVerify(host, 'HOST', { source: 'integration-test', n: 1 });
    assert.equal(video.canPublish, true);
    assert.equal(video.canPublishData, true);
  });

  test('VIEWER only subscribes: publish grants are an explicit false', async () => {
    const video = await joinAndVerify(viewer, 'VIEWER');
    // An absent permission counts as granted in LiveKit, so false must be spelled out.
    assert.strictEqual(video.canPublish, false);
    assert.strictEqual(video.canPublishData, false);
  });
});
