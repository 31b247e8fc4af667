// Production mode (shared queue, event bus and push ledger): two instances on one PostgreSQL +
// Redis. SSE on instance A sees what a webhook posted to B caused; kill -9 of an instance mid-burst
// loses nothing and applies nothing twice; Redis down → webhooks 503, reads still work, /health
// degraded; Redis back → recovery without restart.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { startStack, call } from './support.mjs';
import { event, post, sse } from './webhook_support.mjs';

const pg = process.env.LSO_TEST_POSTGRES_URL;
const redis = process.env.LSO_TEST_REDIS_URL;
if ((!pg || !redis) && (process.env.LSO_REQUIRE_REDIS === '1' || process.env.LSO_REQUIRE_POSTGRES === '1'))
  throw new Error('production-mode tests need LSO_TEST_POSTGRES_URL and LSO_TEST_REDIS_URL');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(fn, ms, what) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await sleep(100);
  }
  assert.fail(`timed out waiting for ${what}`);
}
const redisCli = (...args) => {
  const u = new URL(redis);
  return execFileSync('redis-cli', ['-h', u.hostname, '-p', u.port, ...args], { encoding: 'utf8' }).trim();
};

describe('production mode: two instances on PostgreSQL + Redis', { skip: !pg || !redis ? 'needs LSO_TEST_POSTGRES_URL and LSO_TEST_REDIS_URL' : false }, () => {
  let a, b;
  before(async () => {
    redisCli('FLUSHALL');
    a = await startStack({ backend: 'postgresql', env: { REDIS_URL: redis, WEBHOOK_QUEUE_CONCURRENCY: '4' } });
    // B shares A's database and the double's webhooks go to B.
    b = await startStack({ backend: 'postgresql', env: { REDIS_URL: redis, DATABASE_URL: a.databaseUrl, WEBHOOK_QUEUE_CONCURRENCY: '4' } });
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('both report production mode', async () => {
    for (const s of [a, b]) {
      const h = (await call(s.base, 'GET', '/health')).body.data;
      assert.equal(h.mode, 'production');
      assert.equal(h.services.queue.backend, 'redis');
      assert.equal(h.services.redis.status, 'up');
    }
  });

  it('an SSE client on A receives what a webhook posted to B caused', async () => {
    const l = (await call(a.base, 'POST', '/api/v1/livestreams', { json: { roomName: `cl-${process.pid}`, title: 'T', createdBy: 'c' } })).body.data;
    const stream = sse(`${a.base}/api/v1/livestreams/${l.id}/events`);
    await stream.ready;
    await until(() => stream.events.length > 0, 3000, 'state');
    for (let i = 0; i < 6; i++) assert.equal((await post(b.base, event('participant_joined', l.roomName, { identity: `x${i}` }))).status, 200);
    const upd = await until(() => stream.events.find((e) => e.event === 'viewer_count_update' && e.data.viewerCount === 6), 6000, 'cross-instance update');
    assert.equal(upd.data.streamId, l.id);
    stream.close();
  });

  it('kill -9 of an instance mid-burst: every accepted webhook applied exactly once', async () => {
    const l = (await call(a.base, 'POST', '/api/v1/livestreams', { json: { roomName: `burst-${process.pid}`, title: 'T', createdBy: 'c', maxParticipants: 10000 } })).body.data;
    const n = 400;
    const accepted = [];
    const sends = [];
    for (let i = 0; i < n; i++) {
      const target = i % 2 ? a : b;
      const e = event('participant_joined', l.roomName, { identity: `burst-${i}` });
      sends.push(post(target.base, e).then((r) => { if (r.status === 200) accepted.push(e); }).catch(() => {}));
      if (i === n / 2) b.child.kill('SIGKILL');
    }
    await Promise.all(sends);
    assert.ok(accepted.length >= n / 2, `only ${accepted.length} accepted`);
    // B's claimed jobs come back to A after their lease (30 s).
    const expected = new Set(accepted.map((e) => e.participant.identity));
    const st = await until(async () => {
      const s = (await call(a.base, 'GET', `/api/v1/livestreams/${l.id}/state`)).body.data;
      return s.participants.length >= expected.size && s;
    }, 60000, `all ${expected.size} accepted joins applied`);
    for (const id of expected) assert.ok(st.participants.includes(id), `${id} missing`);
    // Exactly once: one participant record per identity.
    const all = [];
    for (let off = 0; ; off += 100) {
      const page = (await call(a.base, 'GET', `/api/v1/livestreams/${l.id}/participants?limit=100&offset=${off}`)).body.data;
      all.push(...page);
      if (page.length < 100) break;
    }
    const ids = all.map((p) => p.userId);
    assert.equal(new Set(ids).size, ids.length, 'a webhook was applied twice');
  });

  it('Redis down → webhooks spooled (200), reads work, /health degraded; back → forwarded and recovers', async () => {
    const l = (await call(a.base, 'POST', '/api/v1/livestreams', { json: { roomName: `rd-${process.pid}`, title: 'T', createdBy: 'c' } })).body.data;
    const stream = sse(`${a.base}/api/v1/livestreams/${l.id}/events`);
    await stream.ready;
    const u = new URL(redis);
    // Pause Redis by making it refuse clients: CLIENT PAUSE blocks, so stop it via DEBUG SLEEP is
    // not enough; instead shut it down and restart it on the same port from its own config.
    const dir = redisCli('CONFIG', 'GET', 'dir').split('\n')[1];
    redisCli('SHUTDOWN', 'NOSAVE');
    await sleep(500);
    const r = await post(a.base, event('participant_joined', l.roomName, { identity: 'while-down' }));
    // Accepted into the instance's local spool (WEBHOOK_SPOOL_DIR), forwarded when Redis is back.
    assert.equal(r.status, 200, r.text);
    assert.equal((await call(a.base, 'GET', `/api/v1/livestreams/${l.id}`)).status, 200);
    await until(async () => (await call(a.base, 'GET', '/health')).body.data.status !== 'ok', 8000, 'health degraded');
    spawnSync('redis-server', ['--bind', '127.0.0.1', '--port', u.port, '--dir', dir, '--daemonize', 'yes', '--pidfile', `${dir}/redis.pid`, '--logfile', `${dir}/redis.log`, '--save', '', '--appendonly', 'no']);
    await until(async () => (await post(a.base, event('participant_joined', l.roomName, { identity: 'after' }))).status === 200, 15000, 'webhooks accepted again');
    await until(async () => (await call(a.base, 'GET', '/health')).body.data.status === 'ok', 15000, 'health ok again');
    for (let i = 0; i < 6; i++) await post(a.base, event('participant_joined', l.roomName, { identity: `back-${i}` }));
    await until(() => stream.events.find((e) => e.event === 'viewer_count_update' && e.data.participants.includes('back-5')), 10000, 'SSE events after recovery');
    await until(async () => (await call(a.base, 'GET', `/api/v1/livestreams/${l.id}/state`)).body.data.participants.includes('while-down'), 10000, 'the webhook spooled while Redis was down applied');
    stream.close();
  });
});
