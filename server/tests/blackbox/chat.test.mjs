// Chat: post, history, deletion, limits, idempotent retries, pushes on the
// livestream's SSE stream; on every backend, and across two instances in production mode.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { backends, startStack, call, assertError } from './support.mjs';
import { sse, until, uid } from './webhook_support.mjs';

async function live(base, creator = 'host') {
  const res = await call(base, 'POST', '/api/v1/livestreams', { json: { roomName: uid('chat'), title: 'Chat', createdBy: creator } });
  assert.equal(res.status, 201, res.text);
  return res.body.data;
}
const say = (base, id, userId, text, extra = {}) =>
  call(base, 'POST', `/api/v1/livestreams/${id}/chat`, { json: { userId, displayName: `Name ${userId}`, text, ...extra } });

for (const backend of backends()) {
  describe(`chat (${backend})`, () => {
    let s;
    before(async () => {
      s = await startStack({ backend, env: { CHAT_RATE_LIMIT: '3', CHAT_RATE_WINDOW_SECONDS: '60' } });
    });
    after(async () => s?.stop());

    it('a message is stored, pushed once as chat_message and in history, text kept as text', async () => {
      const l = await live(s.base);
      const stream = sse(`${s.base}/api/v1/livestreams/${l.id}/events`);
      await stream.ready;
      await until(() => stream.events.find((e) => e.event === 'state'), 3000, 'state');
      const text = '<script>alert(1)</script> & “hi”\nsecond line';
      const res = await say(s.base, l.id, 'bob', text);
      assert.equal(res.status, 201, res.text);
      const m = res.body.data;
      assert.equal(m.text, text);
      assert.equal(m.userId, 'bob');
      assert.equal(m.displayName, 'Name bob');
      assert.equal(m.livestreamId, l.id);
      assert.match(m.createdAt, /^\d{4}-\d\d-\d\dT.*Z$/);
      const pushed = await until(() => stream.events.find((e) => e.event === 'chat_message'), 3000, 'chat_message');
      assert.equal(pushed.data.id, m.id);
      assert.equal(pushed.data.text, text);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(stream.events.filter((e) => e.event === 'chat_message').length, 1);
      stream.close();
      const history = await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/chat`);
      assert.equal(history.status, 200);
      assert.equal(history.body.count, 1);
      assert.equal(history.body.data[0].id, m.id);
    });

    it('bad input is a clear 4xx', async () => {
      const l = await live(s.base);
      assertError(assert, await say(s.base, l.id, 'bob', ''), 400, 'ValidationError');
      assertError(assert, await say(s.base, l.id, 'bob', '   '), 400, 'ValidationError');
      assertError(assert, await say(s.base, l.id, 'bob', 'x'.repeat(501)), 400, 'ValidationError');
      assert.equal((await say(s.base, l.id, 'bob', 'é'.repeat(500))).status, 201);
      assertError(assert, await say(s.base, l.id, 'bob', 'bell\u0007'), 400, 'ValidationError');
      assertError(assert, await say(s.base, l.id, 'bob', 42), 400, 'ValidationError');
      assertError(assert, await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/chat`, { json: { text: 'no user' } }), 400, 'ValidationError');
      assertError(assert, await say(s.base, l.id, 'bob', 'x', { clientMessageId: 'c'.repeat(65) }), 400, 'ValidationError');
      assertError(assert, await say(s.base, 'not-a-uuid', 'bob', 'x'), 404, 'NotFoundError');
      assertError(assert, await say(s.base, '00000000-0000-4000-8000-000000000000', 'bob', 'x'), 404, 'NotFoundError');
      assertError(assert, await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/chat?limit=0`), 400, 'ValidationError');
      assertError(assert, await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/chat?before=nope`), 404, 'NotFoundError');
      assertError(assert, await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/chat`, { body: '{"text":', headers: { 'content-type': 'application/json' } }), 400);
    });

    it('a retry with the same clientMessageId returns the stored message, never a second one', async () => {
      const l = await live(s.base);
      const first = await say(s.base, l.id, 'carl', 'once', { clientMessageId: 'm-1' });
      assert.equal(first.status, 201);
      const again = await say(s.base, l.id, 'carl', 'once', { clientMessageId: 'm-1' });
      assert.equal(again.status, 200);
      assert.equal(again.body.data.id, first.body.data.id);
      const history = await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/chat`);
      assert.equal(history.body.count, 1);
    });

    it('per-person rate limit: 429 with Retry-After; other people are not affected', async () => {
      const l = await live(s.base);
      for (let i = 0; i < 3; i++) assert.equal((await say(s.base, l.id, 'fast', `m${i}`)).status, 201);
      const refused = await say(s.base, l.id, 'fast', 'one too many');
      assertError(assert, refused, 429, 'RateLimitError');
      assert.equal(refused.body.code, 'rate_limited');
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
      assert.equal(refused.body.retryAfter, Number(refused.headers.get('retry-after')));
      // A retry of a stored message is not a new message: no limit applies.
      assert.equal((await say(s.base, l.id, 'slowpoke', 'hi')).status, 201);
    });

    it('slow mode, set by the host: one message per N seconds for viewers, not for the host', async () => {
      const l = await live(s.base);
      const refused = await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/moderation/slow-mode`, { json: { seconds: 30, requestingUserId: 'viewer' } });
      assertError(assert, refused, 403, 'AuthorizationError');
      assertError(assert, await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/moderation/slow-mode`, { json: { seconds: -1, requestingUserId: 'host' } }), 400, 'ValidationError');
      const set = await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/moderation/slow-mode`, { json: { seconds: 30, requestingUserId: 'host' } });
      assert.equal(set.status, 200, set.text);
      assert.equal((await say(s.base, l.id, 'viewer', 'first')).status, 201);
      const slow = await say(s.base, l.id, 'viewer', 'second');
      assertError(assert, slow, 429, 'RateLimitError');
      assert.equal(slow.body.code, 'slow_mode');
      const wait = Number(slow.headers.get('retry-after'));
      assert.ok(wait > 25 && wait <= 30, `retry after ${wait}`);
      assert.equal((await say(s.base, l.id, 'host', 'a')).status, 201);
      assert.equal((await say(s.base, l.id, 'host', 'b')).status, 201);
      await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/moderation/slow-mode`, { json: { seconds: 0, requestingUserId: 'host' } });
      assert.equal((await say(s.base, l.id, 'viewer', 'second, now')).status, 201);
    });

    it('deleting: a viewer cannot delete another\'s message; a deleted message is pushed and gone from history', async () => {
      const l = await live(s.base);
      const m = (await say(s.base, l.id, 'bob', 'to be removed')).body.data;
      const kept = (await say(s.base, l.id, 'dave', 'kept')).body.data;
      const del = (who) => call(s.base, 'DELETE', `/api/v1/livestreams/${l.id}/chat/${m.id}`, { json: { requestingUserId: who } });
      assertError(assert, await del('dave'), 403, 'AuthorizationError');
      const stream = sse(`${s.base}/api/v1/livestreams/${l.id}/events`);
      await stream.ready;
      assert.equal((await del('host')).status, 200);
      const pushed = await until(() => stream.events.find((e) => e.event === 'chat_message_deleted'), 3000, 'chat_message_deleted');
      assert.equal(pushed.data.id, m.id);
      stream.close();
      assert.equal((await del('host')).status, 200);  // idempotent
      const history = (await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/chat`)).body.data;
      assert.deepEqual(history.map((x) => x.id), [kept.id]);
      // The author deletes their own.
      const own = (await say(s.base, l.id, 'dave', 'oops')).body.data;
      assert.equal((await call(s.base, 'DELETE', `/api/v1/livestreams/${l.id}/chat/${own.id}`, { json: { requestingUserId: 'dave' } })).status, 200);
      assertError(assert, await call(s.base, 'DELETE', `/api/v1/livestreams/${l.id}/chat/00000000-0000-4000-8000-000000000000`, { json: { requestingUserId: 'host' } }), 404, 'NotFoundError');
    });

    it('history pages backwards with before=, oldest first within a page', async () => {
      const l = await live(s.base);
      const ids = [];
      for (let i = 0; i < 7; i++) ids.push((await say(s.base, l.id, `p${i}`, `n${i}`)).body.data.id);
      const last = (await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/chat?limit=3`)).body.data;
      assert.deepEqual(last.map((m) => m.id), ids.slice(4));
      const before = (await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/chat?limit=3&before=${last[0].id}`)).body.data;
      assert.deepEqual(before.map((m) => m.id), ids.slice(1, 4));
      const first = (await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/chat?limit=3&before=${before[0].id}`)).body.data;
      assert.deepEqual(first.map((m) => m.id), ids.slice(0, 1));
    });

    it('the chat closes when the livestream ends (409) and is kept for replay', async () => {
      const l = await live(s.base);
      await say(s.base, l.id, 'bob', 'before the end');
      assert.equal((await call(s.base, 'DELETE', `/api/v1/livestreams/${l.id}`, { json: { requestingUserId: 'host' } })).status, 200);
      const closed = await say(s.base, l.id, 'bob', 'after');
      assertError(assert, closed, 409, 'ConflictError');
      assert.equal(closed.body.code, 'chat_closed');
      const history = await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/chat`);
      assert.equal(history.body.count, 1);
    });
  });
}

const pg = process.env.LSO_TEST_POSTGRES_URL;
const redis = process.env.LSO_TEST_REDIS_URL;
describe('chat across two instances (PostgreSQL + Redis)', { skip: !pg || !redis ? 'needs LSO_TEST_POSTGRES_URL and LSO_TEST_REDIS_URL' : false }, () => {
  let a, b;
  before(async () => {
    const u = new URL(redis);
    execFileSync('redis-cli', ['-h', u.hostname, '-p', u.port, 'FLUSHALL']);
    const env = { REDIS_URL: redis, CHAT_RATE_LIMIT: '100000' };
    a = await startStack({ backend: 'postgresql', env });
    b = await startStack({ backend: 'postgresql', env: { ...env, DATABASE_URL: a.databaseUrl } });
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('posted on A, received on B\'s SSE stream', async () => {
    const l = await live(a.base);
    const onB = sse(`${b.base}/api/v1/livestreams/${l.id}/events`);
    await onB.ready;
    await until(() => onB.events.find((e) => e.event === 'state'), 3000, 'state');
    const m = (await say(a.base, l.id, 'bob', 'across')).body.data;
    const got = await until(() => onB.events.find((e) => e.event === 'chat_message'), 5000, 'chat_message on B');
    assert.equal(got.data.id, m.id);
    const del = await call(b.base, 'DELETE', `/api/v1/livestreams/${l.id}/chat/${m.id}`, { json: { requestingUserId: 'host' } });
    assert.equal(del.status, 200);
    await until(() => onB.events.find((e) => e.event === 'chat_message_deleted'), 5000, 'deleted on B');
    onB.close();
  });

  it('kill -9 of one instance: every message stored exactly once after client retries', async () => {
    const l = await live(a.base);
    const n = 300;
    const results = new Map();
    const sends = [];
    for (let i = 0; i < n; i++) {
      const target = i % 2 ? a : b;
      const body = { userId: `u${i % 10}`, displayName: 'U', text: `message ${i}`, clientMessageId: `k-${i}` };
      sends.push(call(target.base, 'POST', `/api/v1/livestreams/${l.id}/chat`, { json: body })
        .then((r) => results.set(i, r.status)).catch(() => results.set(i, 0)));
      if (i === n / 2) b.child.kill('SIGKILL');
    }
    await Promise.all(sends);
    // The client retries what it has no answer for (or a 5xx) on the instance still up; a retry
    // of a message B stored before it died must find it, not store it again.
    for (let i = 0; i < n; i++) {
      if (results.get(i) === 201 || results.get(i) === 200) continue;
      const r = await call(a.base, 'POST', `/api/v1/livestreams/${l.id}/chat`, { json: { userId: `u${i % 10}`, displayName: 'U', text: `message ${i}`, clientMessageId: `k-${i}` } });
      assert.ok(r.status === 201 || r.status === 200, r.text);
    }
    const seen = [];
    let before = '';
    for (;;) {
      const page = (await call(a.base, 'GET', `/api/v1/livestreams/${l.id}/chat?limit=200${before}`)).body.data;
      if (page.length === 0) break;
      seen.push(...page);
      before = `&before=${page[0].id}`;
    }
    assert.equal(seen.length, n);
    assert.equal(new Set(seen.map((m) => m.clientMessageId)).size, n);
  });
});
