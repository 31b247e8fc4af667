// A Redis outage under a webhook burst (issue 15: an outage spends no attempt and loses nothing),
// production mode. The test runs its own Redis (append-only file, fsync always, like a production
// Redis with AOF) so that it can kill and restart it. While Redis is down every signed webhook is
// still answered 200: the instance keeps it in its local spool (WEBHOOK_SPOOL_DIR); /health says
// degraded (not down) and shows the spool; when Redis is back the spool is forwarded and each
// webhook applied exactly once. A second case kills the instance (kill -9) while webhooks are
// spooled: the next start forwards what the previous run accepted.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, call, freePort } from './support.mjs';
import { event, post, sleep, until } from './webhook_support.mjs';

const pg = process.env.LSO_TEST_POSTGRES_URL;
if (!pg && process.env.LSO_REQUIRE_POSTGRES === '1')
  throw new Error('production-mode tests need LSO_TEST_POSTGRES_URL');

const OUTAGE_SECONDS = Number(process.env.LSO_OUTAGE_SECONDS ?? 60);
const N = 400;

// A redis-server of the test's own, in the foreground, with its data in `dir`.
function redisServer(dir, port) {
  let child;
  return {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      if (child && child.exitCode === null && child.signalCode === null) return;
      child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir,
        '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], { stdio: 'ignore' });
      const exited = new Promise((ok) => child.on('exit', ok));
      child.exited = exited;
      await until(async () => {
        try {
          const { createConnection } = await import('node:net');
          return await new Promise((ok) => {
            const s = createConnection({ host: '127.0.0.1', port }, () => { s.write('PING\r\n'); });
            s.on('data', (d) => { s.destroy(); ok(d.toString().startsWith('+PONG')); });
            s.on('error', () => ok(false));
          });
        } catch { return false; }
      }, 10000, 'redis-server to answer');
    },
    async kill() {
      if (!child || child.exitCode !== null) return;
      child.kill('SIGKILL');
      await child.exited;
    },
  };
}

async function health(base) {
  const r = await call(base, 'GET', '/health');
  return { status: r.status, data: r.body.data };
}

async function viewers(base, id) {
  const r = await call(base, 'GET', `/api/v1/livestreams/${id}/state`);
  return r.status === 200 ? r.body.data : null;
}

describe('Redis unreachable under a webhook burst (production mode, local spool)', { skip: !pg ? 'needs PostgreSQL' : false }, () => {
  let dir, redis, s, restarted;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lso-redis-outage-'));
    redis = redisServer(dir, await freePort());
    await redis.start();
  });
  after(async () => {
    await restarted?.stop();
    await s?.stop().catch(() => {});
    await redis?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({ REDIS_URL: redis.url, LOG_LEVEL: 'info', WEBHOOK_QUEUE_CONCURRENCY: '4', WEBHOOK_SPOOL_DIR: join(dir, 'spool') });
  const create = async (base, name) => {
    const r = await call(base, 'POST', '/api/v1/livestreams', { json: { roomName: `${name}-${process.pid}`, title: name, createdBy: 'c', maxParticipants: 10000 } });
    assert.equal(r.status, 201, r.text);
    return r.body.data;
  };

  it(`accepts everything into the spool for ${OUTAGE_SECONDS} s and applies each webhook once after`, { timeout: (OUTAGE_SECONDS + 90) * 1000 }, async () => {
    s = await startStack({ backend: 'postgresql', env: env() });
    const l = await create(s.base, 'redis-outage');
    const t0 = Date.now();
    await redis.kill();

    const events = Array.from({ length: N }, (_, i) => event('participant_joined', l.roomName, { identity: `ro-${i}` }));
    const statuses = await Promise.all(events.map((e) => post(s.base, e).then((r) => r.status)));
    assert.deepEqual([...new Set(statuses)], [200], 'every webhook accepted while Redis is down');
    // A delivery LiveKit repeats during the outage is accepted again; it is applied once.
    assert.equal((await post(s.base, events[0])).status, 200);

    // Degraded, not down: the instance still takes webhooks; the spool says what it holds.
    const h = await until(async () => {
      const x = await health(s.base);
      const sp = x.data.services.spool;
      // ≥: the double's room_started for the new room may be spooled too.
      return sp?.status === 'spooling' && sp.webhooks >= N + 1 && x.data.services.workers?.status === 'paused' ? x : null;
    }, 15000, 'health (refreshed every few seconds) to show the spool and the paused workers');
    assert.equal(h.status, 200, JSON.stringify(h.data.services));
    assert.equal(h.data.status, 'degraded');
    assert.equal(h.data.services.queue.status, 'down');
    const during = (await call(s.base, 'GET', '/metrics')).text;
    assert.match(during, /^lso_webhook_spooling 1$/m);
    const spooled = Number(/^lso_webhook_spooled_total (\d+)$/m.exec(during)?.[1]);
    assert.ok(spooled >= N + 1, `spooled ${spooled}`);
    assert.ok(readdirSync(join(dir, 'spool')).some((f) => f.endsWith('.spool')), 'the spool is on disk');

    await sleep(Math.max(0, OUTAGE_SECONDS * 1000 - (Date.now() - t0)));
    await redis.start();
    const state = await until(async () => {
      const st = await viewers(s.base, l.id);
      return st && st.viewerCount >= N ? st : null;
    }, 30000, 'every spooled webhook applied after Redis came back');
    assert.equal(state.viewerCount, N);
    assert.equal(state.totalViewers, N);

    const back = await until(async () => {
      const x = await health(s.base);
      return x.data.services.spool?.status === 'up' && x.data.services.workers?.status === 'up' ? x : null;
    }, 15000, 'the spool drained and the workers running');
    assert.equal(back.data.services.spool.webhooks, 0);
    assert.equal(back.data.services.queue.dead, 0);
    assert.deepEqual(readdirSync(join(dir, 'spool')).filter((f) => f.endsWith('.spool')), [], 'forwarded segments deleted');
    const metrics = (await call(s.base, 'GET', '/metrics')).text;
    assert.match(metrics, /^lso_webhook_spooling 0$/m);
    const spooledTotal = Number(/^lso_webhook_spooled_total (\d+)$/m.exec(metrics)?.[1]);
    assert.match(metrics, new RegExp(`^lso_webhook_spool_forwarded_total ${spooledTotal}$`, 'm'), 'every spooled webhook forwarded');

    // Quiet logs: a line when the spool starts, one when Redis is back, not one per webhook.
    // (Info lines reach the output within a second.)
    await until(() => /reachable again after/.test(s.output()), 5000, 'the log line saying the queue is back');
    const lines = s.output().split('\n').filter((x) => x.trim() && !/ (GET|POST|DELETE) \//.test(x));
    const spoolLines = lines.filter((x) => /spool/i.test(x));
    assert.ok(spoolLines.length >= 2 && spoolLines.length <= 6, `${spoolLines.length} log lines about the spool:\n${spoolLines.join('\n')}`);
    assert.ok(lines.some((x) => /reachable again after [\d.]+ s: \d+ spooled webhooks forwarded/.test(x)), lines.slice(-20).join('\n'));
  });

  it('kill -9 while webhooks are spooled: the next start forwards them, each applied once', { timeout: 90000 }, async () => {
    await redis.start();  // (if the case before left it down)
    const l = await create(s.base, 'redis-crash');
    const databaseUrl = s.databaseUrl;
    await redis.kill();
    const M = 150;
    const events = Array.from({ length: M }, (_, i) => event('participant_joined', l.roomName, { identity: `rc-${i}` }));
    const statuses = await Promise.all(events.map((e) => post(s.base, e).then((r) => r.status)));
    assert.deepEqual([...new Set(statuses)], [200]);
    s.child.kill('SIGKILL');
    await s.exited;
    await redis.start();

    restarted = await startStack({ backend: 'postgresql', env: { ...env(), DATABASE_URL: databaseUrl } });
    const state = await until(async () => {
      const st = await viewers(restarted.base, l.id);
      return st && st.viewerCount >= M ? st : null;
    }, 30000, 'the webhooks the killed instance spooled applied by the next start');
    assert.equal(state.viewerCount, M);
    assert.equal(state.totalViewers, M);
    await until(async () => (await health(restarted.base)).data.services.spool?.webhooks === 0, 10000, 'the spool empty');
    const left = Number(/(\d+) webhooks left by an earlier run/.exec(restarted.output())?.[1]);
    assert.ok(left >= M, `the start says what it found: ${left}`);
  });

  it('an unusable WEBHOOK_SPOOL_DIR starts without a spool and says so', async () => {
    await redis.start();
    const x = await startStack({ backend: 'postgresql', env: { ...env(), WEBHOOK_SPOOL_DIR: '/proc/lso-no-spool' } });
    try {
      const h = await health(x.base);
      assert.equal(h.status, 200);
      assert.equal(h.data.services.spool, undefined);
      await until(() => /webhook spool disabled \(WEBHOOK_SPOOL_DIR=\/proc\/lso-no-spool\)/.test(x.output()), 5000, 'the error line');
    } finally {
      await x.stop();
    }
  });
});
