// Moderation and the stage: moderators, deletion, timeouts, bans (RemoveParticipant,
// joins refused with code "banned" on every instance), muting published tracks, raised hands,
// the stage (UpdateParticipant canPublish, the next token too), the moderation log.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { backends, startStack, call, assertError, sdk } from './support.mjs';
import { sse, until, uid, connect } from './webhook_support.mjs';
import { signup } from './identity_support.mjs';

async function live(base, creator = 'host') {
  const res = await call(base, 'POST', '/api/v1/livestreams', { json: { roomName: uid('mod'), title: 'Moderated', createdBy: creator } });
  assert.equal(res.status, 201, res.text);
  return res.body.data;
}
const join = (base, id, userId, role = 'VIEWER') =>
  call(base, 'POST', `/api/v1/livestreams/${id}/join`, { json: { userId, displayName: `Name ${userId}`, role } });
const act = (base, id, path, requestingUserId, body = {}) =>
  call(base, 'POST', `/api/v1/livestreams/${id}${path}`, { json: { requestingUserId, ...body } });
const say = (base, id, userId, text) =>
  call(base, 'POST', `/api/v1/livestreams/${id}/chat`, { json: { userId, displayName: `Name ${userId}`, text } });
const room = async (double, name) => (await (await fetch(`${double.url}/_double/rooms/${name}`)).json());
const calls = async (double, method) => (await (await fetch(`${double.url}/_double/calls?method=${method}`)).json());
const verifier = new sdk.TokenVerifier('devkey', 'secret');

for (const backend of backends()) {
  describe(`moderation and the stage (${backend})`, () => {
    let s;
    before(async () => {
      s = await startStack({ backend });
    });
    after(async () => s?.stop());

    it('only the creator appoints moderators; a moderator moderates viewers but not the host or another moderator', async () => {
      const l = await live(s.base);
      assertError(assert, await act(s.base, l.id, '/moderators', 'viewer', { userId: 'mo' }), 403, 'AuthorizationError');
      const appointed = await act(s.base, l.id, '/moderators', 'host', { userId: 'mo' });
      assert.equal(appointed.status, 200, appointed.text);
      assert.equal(appointed.body.data.moderator, true);
      assert.equal((await act(s.base, l.id, '/moderators', 'host', { userId: 'mo2' })).status, 200);
      assertError(assert, await act(s.base, l.id, '/moderators', 'mo', { userId: 'viewer' }), 403, 'AuthorizationError');
      assertError(assert, await act(s.base, l.id, '/moderation/ban', 'mo', { userId: 'host' }), 403, 'AuthorizationError');
      assertError(assert, await act(s.base, l.id, '/moderation/ban', 'mo', { userId: 'mo2' }), 403, 'AuthorizationError');
      assertError(assert, await act(s.base, l.id, '/moderation/timeout', 'mo', { userId: 'mo2', seconds: 60 }), 403, 'AuthorizationError');
      assertError(assert, await act(s.base, l.id, '/moderation/ban', 'viewer', { userId: 'other' }), 403, 'AuthorizationError');
      assertError(assert, await act(s.base, l.id, '/moderation/ban', 'host', {}), 400, 'ValidationError');
      assertError(assert, await act(s.base, l.id, '/moderation/timeout', 'mo', { userId: 'v', seconds: -5 }), 400, 'ValidationError');
      // A moderator deletes a viewer's message and times them out.
      const m = (await say(s.base, l.id, 'v', 'rude')).body.data;
      assert.equal((await call(s.base, 'DELETE', `/api/v1/livestreams/${l.id}/chat/${m.id}`, { json: { requestingUserId: 'mo' } })).status, 200);
      assert.equal((await act(s.base, l.id, '/moderation/timeout', 'mo', { messageId: m.id, seconds: 60 })).status, 200);
      const timedOut = await say(s.base, l.id, 'v', 'again');
      assertError(assert, timedOut, 403, 'AuthorizationError');
      assert.equal(timedOut.body.code, 'timed_out');
      assert.ok(Number(timedOut.headers.get('retry-after')) > 50);
      assert.equal((await act(s.base, l.id, '/moderation/timeout', 'mo', { userId: 'v', seconds: 0 })).status, 200);
      assert.equal((await say(s.base, l.id, 'v', 'sorry')).status, 201);
      // Removed moderators lose the right.
      assert.equal((await act(s.base, l.id, '/moderators/remove', 'host', { userId: 'mo' })).status, 200);
      assertError(assert, await act(s.base, l.id, '/moderation/timeout', 'mo', { userId: 'v', seconds: 60 }), 403, 'AuthorizationError');
    });

    it('a ban removes the person from the room, refuses their joins (403 banned) and chat; unban lets them back', async () => {
      const l = await live(s.base);
      const j = await join(s.base, l.id, 'troll');
      assert.equal(j.status, 200, j.text);
      await connect(s.double, l.roomName, { token: j.body.data.token });
      await until(async () => (await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/state`)).body.data.viewerCount === 1, 5000, 'connected');
      const banned = await act(s.base, l.id, '/moderation/ban', 'host', { userId: 'troll' });
      assert.equal(banned.status, 200, banned.text);
      assert.equal(banned.body.data.banned, true);
      // LiveKit was asked to remove them, and did (participant_left).
      const removes = await calls(s.double, 'RemoveParticipant');
      assert.ok(removes.some((c) => c.request?.identity === 'troll' || JSON.stringify(c).includes('troll')), JSON.stringify(removes));
      assert.equal((await room(s.double, l.roomName)).participants.length, 0);
      await until(async () => (await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/state`)).body.data.viewerCount === 0, 5000, 'count back to 0');
      const refused = await join(s.base, l.id, 'troll');
      assertError(assert, refused, 403, 'AuthorizationError');
      assert.equal(refused.body.code, 'banned');
      const chat = await say(s.base, l.id, 'troll', 'let me in');
      assertError(assert, chat, 403);
      assert.equal(chat.body.code, 'banned');
      assert.equal((await act(s.base, l.id, '/moderation/unban', 'host', { userId: 'troll' })).status, 200);
      assert.equal((await join(s.base, l.id, 'troll')).status, 200);
    });

    it('mute: the person\'s published audio is muted through MutePublishedTrack', async () => {
      const l = await live(s.base);
      const j = (await join(s.base, l.id, 'host', 'HOST')).body.data;
      await connect(s.double, l.roomName, { token: j.token });
      const jv = (await join(s.base, l.id, 'loud')).body.data;
      await connect(s.double, l.roomName, { token: jv.token });
      // Not on stage: a viewer may not publish at all.
      const denied = await fetch(`${s.double.url}/_double/rooms/${l.roomName}/participants/loud/tracks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"AUDIO"}' });
      assert.equal(denied.status, 403);
      const pub = await fetch(`${s.double.url}/_double/rooms/${l.roomName}/participants/host/tracks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"AUDIO"}' });
      assert.equal(pub.status, 201);
      const track = (await pub.json()).track;
      // Nobody mutes the host; a viewer mutes nobody.
      assertError(assert, await act(s.base, l.id, '/moderation/mute', 'loud', { userId: 'host', kind: 'audio' }), 403, 'AuthorizationError');
      assertError(assert, await act(s.base, l.id, '/moderation/mute', 'host', { userId: 'loud', kind: 'smell' }), 400, 'ValidationError');
      assertError(assert, await act(s.base, l.id, '/moderation/mute', 'host', { userId: 'loud', kind: 'audio' }), 404, 'NotFoundError');
      // Bring the viewer on stage; they publish; the host mutes them.
      assert.equal((await act(s.base, l.id, '/stage/invite', 'host', { userId: 'loud' })).status, 200);
      assert.equal((await act(s.base, l.id, '/stage/accept', 'loud')).status, 200);
      const pub2 = await fetch(`${s.double.url}/_double/rooms/${l.roomName}/participants/loud/tracks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"AUDIO"}' });
      assert.equal(pub2.status, 201);
      const loudTrack = (await pub2.json()).track;
      const muted = await act(s.base, l.id, '/moderation/mute', 'host', { userId: 'loud', kind: 'audio' });
      assert.equal(muted.status, 200, muted.text);
      assert.deepEqual(muted.body.data.muted, [loudTrack.sid]);
      const p = (await room(s.double, l.roomName)).participants.find((x) => x.identity === 'loud');
      assert.equal(p.tracks[0].muted, true);
      assert.ok(track.sid);
    });

    it('hands and the stage: raise, invite, accept (canPublish in the room and the next token), back to the audience', async () => {
      const l = await live(s.base);
      const jv = (await join(s.base, l.id, 'guest1')).body.data;
      const claims = await verifier.verify(jv.token);
      assert.equal(claims.video.canPublish, false);
      await connect(s.double, l.roomName, { token: jv.token });
      await until(async () => (await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/state`)).body.data.viewerCount === 1, 5000, 'viewer counted');
      const stream = sse(`${s.base}/api/v1/livestreams/${l.id}/events`);
      await stream.ready;

      assertError(assert, await act(s.base, l.id, '/hand', 'host', { raised: true }), 403, 'AuthorizationError');
      assertError(assert, await act(s.base, l.id, '/hand', 'guest1', { raised: 'yes' }), 400, 'ValidationError');
      const raised = await act(s.base, l.id, '/hand', 'guest1', { raised: true });
      assert.equal(raised.status, 200, raised.text);
      assert.ok(raised.body.data.handRaisedAt);
      const up = await until(() => stream.events.find((e) => e.event === 'stage_update' && e.data.raisedHands.length === 1), 3000, 'raised hand pushed');
      assert.equal(up.data.raisedHands[0].displayName, 'Name guest1');
      let state = (await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/state`)).body.data;
      assert.equal(state.raisedHands.length, 1);
      // Another viewer may not lower it; the host may.
      assertError(assert, await act(s.base, l.id, '/hand', 'other', { raised: false, userId: 'guest1' }), 403, 'AuthorizationError');

      assertError(assert, await act(s.base, l.id, '/stage/invite', 'guest1', { userId: 'guest1' }), 403, 'AuthorizationError');
      assertError(assert, await act(s.base, l.id, '/stage/accept', 'guest1'), 409, 'ConflictError');
      assert.equal((await act(s.base, l.id, '/stage/invite', 'host', { userId: 'guest1' })).status, 200);
      assertError(assert, await act(s.base, l.id, '/stage/accept', 'someone-else'), 409, 'ConflictError');
      const accepted = await act(s.base, l.id, '/stage/accept', 'guest1');
      assert.equal(accepted.status, 200, accepted.text);
      assert.equal(accepted.body.data.stage, 'ON');
      // Accepting again is harmless and re-sends the grant.
      const updatesBefore = (await calls(s.double, 'UpdateParticipant')).length;
      assert.equal((await act(s.base, l.id, '/stage/accept', 'guest1')).status, 200);
      assert.equal((await calls(s.double, 'UpdateParticipant')).length, updatesBefore + 1);
      // LiveKit got UpdateParticipant with canPublish, and the double shows the new permission.
      const p = (await room(s.double, l.roomName)).participants.find((x) => x.identity === 'guest1');
      assert.equal(p.permission.can_publish ?? p.permission.canPublish, true);
      state = (await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/state`)).body.data;
      assert.deepEqual(state.stage.map((x) => [x.userId, x.status]), [['guest1', 'ON']]);
      assert.equal(state.raisedHands.length, 0);  // the invitation took the hand down
      assert.equal(state.viewerCount, 0);  // a CO_HOST is not counted as a viewer while on stage
      await until(() => stream.events.find((e) => e.event === 'stage_update' && e.data.stage.some((x) => x.status === 'ON')), 3000, 'stage pushed');
      // Their next token lets them publish (a reconnect keeps the stage).
      await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/leave`, { json: { userId: 'guest1' } });
      const again = (await join(s.base, l.id, 'guest1')).body.data;
      assert.equal((await verifier.verify(again.token)).video.canPublish, true);
      await connect(s.double, l.roomName, { token: again.token });
      const pub = await fetch(`${s.double.url}/_double/rooms/${l.roomName}/participants/guest1/tracks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"VIDEO"}' });
      assert.equal(pub.status, 201);
      // Back to the audience: publishing revoked, the tracks unpublished.
      const back = await act(s.base, l.id, '/stage/leave', 'host', { userId: 'guest1' });
      assert.equal(back.status, 200, back.text);
      const after = (await room(s.double, l.roomName)).participants.find((x) => x.identity === 'guest1');
      await until(async () => (await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/state`)).body.data.viewerCount === 1, 5000, 'counted as a viewer again');
      assert.equal(after.permission.can_publish ?? after.permission.canPublish ?? false, false);
      assert.equal(after.tracks.length, 0);
      const unpublished = await (await fetch(`${s.double.url}/_double/webhooks?event=track_unpublished&room=${l.roomName}`)).json();
      assert.equal(unpublished.length, 1);
      const next = (await (async () => {
        await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/leave`, { json: { userId: 'guest1' } });
        return (await join(s.base, l.id, 'guest1')).body.data;
      })());
      assert.equal((await verifier.verify(next.token)).video.canPublish, false);
      stream.close();
    });

    it('the moderation log: host and moderators read it, viewers do not', async () => {
      const l = await live(s.base);
      await act(s.base, l.id, '/moderators', 'host', { userId: 'mo' });
      await act(s.base, l.id, '/moderation/timeout', 'mo', { userId: 'v', seconds: 30 });
      await act(s.base, l.id, '/moderation/slow-mode', 'mo', { seconds: 5 });
      const log = await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/moderation/log?requestingUserId=mo`);
      assert.equal(log.status, 200, log.text);
      assert.deepEqual(log.body.data.map((e) => e.action), ['slow_mode', 'timeout', 'moderator.add']);
      assert.equal(log.body.data[1].targetUserId, 'v');
      assert.equal(log.body.data[1].actorId, 'mo');
      assertError(assert, await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/moderation/log?requestingUserId=v`), 403, 'AuthorizationError');
      const members = await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/moderation/members?requestingUserId=host`);
      assert.equal(members.status, 200);
      assert.deepEqual(members.body.data.map((m) => m.userId).sort(), ['mo', 'v']);
    });
  });
}

const pg = process.env.LSO_TEST_POSTGRES_URL;
const redis = process.env.LSO_TEST_REDIS_URL;
describe('bans across two instances (PostgreSQL + Redis)', { skip: !pg || !redis ? 'needs LSO_TEST_POSTGRES_URL and LSO_TEST_REDIS_URL' : false }, () => {
  let a, b;
  before(async () => {
    const u = new URL(redis);
    execFileSync('redis-cli', ['-h', u.hostname, '-p', u.port, 'FLUSHALL']);
    a = await startStack({ backend: 'postgresql', env: { REDIS_URL: redis } });
    b = await startStack({ backend: 'postgresql', env: { REDIS_URL: redis, DATABASE_URL: a.databaseUrl } });
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('banned on A: joins refused with 403 banned on A and B; the stage pushed across', async () => {
    const l = await live(a.base);
    assert.equal((await act(a.base, l.id, '/moderation/ban', 'host', { userId: 'troll' })).status, 200);
    for (const s of [a, b]) {
      const r = await join(s.base, l.id, 'troll');
      assertError(assert, r, 403, 'AuthorizationError');
      assert.equal(r.body.code, 'banned');
    }
    const onB = sse(`${b.base}/api/v1/livestreams/${l.id}/events`);
    await onB.ready;
    assert.equal((await act(a.base, l.id, '/hand', 'fan', { raised: true })).status, 200);
    await until(() => onB.events.find((e) => e.event === 'stage_update' && e.data.raisedHands.length === 1), 5000, 'stage_update on B');
    onB.close();
  });
});

describe('chat and moderation with accounts (AUTH_MODE=accounts)', () => {
  let s;
  const H = {};
  before(async () => {
    s = await startStack({ env: { AUTH_MODE: 'accounts', AUTH_GUESTS: 'true' } });
    for (const u of ['root', 'carol', 'bob', 'dave']) H[u] = (await signup(s.base, u, `${u[0].toUpperCase()}${u.slice(1)}`)).headers;
    const g = await call(s.base, 'POST', '/api/v1/auth/guest', { json: { displayName: 'Visitor' } });
    assert.equal(g.status, 201, g.text);
    H.guest = { cookie: g.headers.getSetCookie().find((c) => c.startsWith('lso_session=')).split(';')[0] };
  });
  after(async () => s?.stop());

  it('the table decides: authors, moderators, the host; ids only for those who act on them; audited', async () => {
    const created = await call(s.base, 'POST', '/api/v1/livestreams', { json: { roomName: uid('acc'), title: 'T' }, headers: H.carol });
    assert.equal(created.status, 201, created.text);
    const l = created.body.data;
    const chat = `/api/v1/livestreams/${l.id}/chat`;
    assertError(assert, await call(s.base, 'POST', chat, { json: { text: 'hi' } }), 401);
    const posted = await call(s.base, 'POST', chat, { json: { text: 'hello' }, headers: H.bob });
    assert.equal(posted.status, 201, posted.text);
    assert.equal(posted.body.data.displayName, 'Bob');
    assertError(assert, await call(s.base, 'POST', chat, { json: { text: 'as dave', userId: 'dave' }, headers: H.bob }), 403);
    assert.equal((await call(s.base, 'POST', chat, { json: { text: 'a guest' }, headers: H.guest })).status, 201);
    const m = posted.body.data;
    // Readers see names; the host sees ids.
    assert.equal((await call(s.base, 'GET', chat, { headers: H.dave })).body.data[0].userId, null);
    assert.equal((await call(s.base, 'GET', chat, { headers: H.carol })).body.data[0].userId, 'bob');
    // A viewer cannot delete another's message, nor moderate.
    assertError(assert, await call(s.base, 'DELETE', `${chat}/${m.id}`, { headers: H.dave }), 403, 'AuthorizationError');
    assertError(assert, await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/moderators`, { json: { userId: 'dave' }, headers: H.bob }), 403);
    assertError(assert, await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/moderation/ban`, { json: { messageId: m.id }, headers: H.dave }), 403);
    // The host appoints dave; dave moderates bob (by his message) but not the host.
    assert.equal((await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/moderators`, { json: { userId: 'dave' }, headers: H.carol })).status, 200);
    assertError(assert, await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/moderation/ban`, { json: { userId: 'carol' }, headers: H.dave }), 403);
    assert.equal((await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/moderation/ban`, { json: { messageId: m.id }, headers: H.dave })).status, 200);
    const join = await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/join`, { json: { role: 'VIEWER' }, headers: H.bob });
    assertError(assert, join, 403, 'AuthorizationError');
    assert.equal(join.body.code, 'banned');
    assert.equal((await call(s.base, 'POST', chat, { json: { text: 'again' }, headers: H.bob })).body.code, 'banned');
    // Each reader's own standing, for their page.
    assert.equal((await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/standing`, { headers: H.dave })).body.data.moderator, true);
    assert.equal((await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/standing`, { headers: H.bob })).body.data.banned, true);
    const guestStanding = await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/standing`, { headers: H.guest });
    assert.equal(guestStanding.status, 200);
    assert.equal(guestStanding.body.data.moderator, false);
    // Every action is in the admins' audit log.
    const audit = await call(s.base, 'GET', '/api/v1/audit?action=moderation.ban', { headers: H.root });
    assert.equal(audit.status, 200, audit.text);
    assert.equal(audit.body.data.length, 1);
    assert.equal(audit.body.data[0].target, 'bob');
    const log = await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/moderation/log`, { headers: H.dave });
    assert.deepEqual(log.body.data.map((e) => e.action), ['ban', 'moderator.add']);
    assertError(assert, await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/moderation/log`, { headers: H.guest }), 403);
  });
});
