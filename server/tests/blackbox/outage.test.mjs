// A PostgreSQL outage under a webhook burst (issue 15: an outage spends no attempt and loses
// nothing), production mode: the test's own database refuses connections for LSO_OUTAGE_SECONDS
// (default 60; the server and the other tests' databases stay up). Every webhook is accepted (Redis
// holds it), the workers pause instead of spending attempts (/health and /metrics say so), the log
// says it in a few lines, and once the database is back every accepted webhook is applied exactly
// once, nothing dead-lettered.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startStack, call } from './support.mjs';
import { event, post } from './webhook_support.mjs';

const pg = process.env.LSO_TEST_POSTGRES_URL;
const redis = process.env.LSO_TEST_REDIS_URL;
if ((!pg || !redis) && (process.env.LSO_REQUIRE_REDIS === '1' || process.env.LSO_REQUIRE_POSTGRES === '1'))
  throw new Error('production-mode tests need LSO_TEST_POSTGRES_URL and LSO_TEST_REDIS_URL');

const OUTAGE_SECONDS = Number(process.env.LSO_OUTAGE_SECONDS ?? 60);
const N = 400;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('PostgreSQL unreachable under a webhook burst (production mode)', { skip: !pg || !redis ? 'needs PostgreSQL and Redis' : false }, () => {
  let s;
  let db;
  const psql = (q) => execFileSync('psql', [pg, '-qtAc', q], { encoding: 'utf8' }).trim();
  before(async () => {
    s = await startStack({ backend: 'postgresql', env: { REDIS_URL: redis, LOG_LEVEL: 'info', WEBHOOK_QUEUE_CONCURRENCY: '4' } });
    db = new URL(s.databaseUrl).pathname.slice(1);
  });
  after(async () => {
    if (db) psql(`ALTER DATABASE ${db} ALLOW_CONNECTIONS true`);
    await s?.stop();
  });

  it(`accepts everything, pauses, and applies each webhook once after ${OUTAGE_SECONDS} s`, { timeout: (OUTAGE_SECONDS + 90) * 1000 }, async () => {
    const l = (await call(s.base, 'POST', '/api/v1/livestreams', {
      json: { roomName: `outage-${process.pid}`, title: 'Outage', createdBy: 'c', maxParticipants: 10000 },
    })).body.data;
    const t0 = Date.now();
    psql(`ALTER DATABASE ${db} ALLOW_CONNECTIONS false`);
    psql(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '${db}'`);

    const events = Array.from({ length: N }, (_, i) => event('participant_joined', l.roomName, { identity: `od-${i}` }));
    const statuses = await Promise.all(events.map((e) => post(s.base, e).then((r) => r.status)));
    assert.deepEqual([...new Set(statuses)], [200], 'every webhook accepted while the database is down');

    // The pause shows: in /health (workers paused, the database down) and in /metrics.
    let health;
    for (const end = Date.now() + 15000; Date.now() < end; await sleep(200)) {
      health = (await call(s.base, 'GET', '/health')).body.data;
      if (health.services.workers?.status === 'paused') break;
    }
    assert.equal(health.services.workers?.status, 'paused', JSON.stringify(health.services));
    assert.ok(health.services.workers.databaseDownSeconds > 0);
    const metrics = (await call(s.base, 'GET', '/metrics')).text;
    assert.match(metrics, /^lso_webhook_workers_paused\{cause="database"\} 1$/m);

    await sleep(Math.max(0, OUTAGE_SECONDS * 1000 - (Date.now() - t0)));
    psql(`ALTER DATABASE ${db} ALLOW_CONNECTIONS true`);
    const back = Date.now();
    let state;
    let last;
    for (const end = back + 30000; Date.now() < end; await sleep(100)) {
      last = await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/state`);
      if (last.status === 200 && last.body.data.viewerCount >= N) {
        state = last.body.data;
        break;
      }
    }
    const h = (await call(s.base, 'GET', '/health')).body.data;
    assert.ok(state, `every accepted webhook applied within 30 s of the database coming back: state ${last?.status} ` +
      `viewerCount ${last?.body?.data?.viewerCount}; health ${JSON.stringify(h?.services)}\n${s.output().split('\n').filter((x) => x && !/ (GET|POST) \//.test(x)).slice(-15).join('\n')}`);
    assert.equal(state.viewerCount, N);
    assert.equal(state.totalViewers, N);

    // Exactly once, nothing dead-lettered, the workers running again.
    const seats = [];
    for (let off = 0; ; off += 100) {
      const page = (await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/participants?limit=100&offset=${off}`)).body.data;
      seats.push(...page);
      if (page.length < 100) break;
    }
    assert.equal(seats.length, N);
    assert.equal(new Set(seats.map((p) => p.userId)).size, N);
    let after;
    for (const end = Date.now() + 10000; Date.now() < end; await sleep(200)) {
      after = (await call(s.base, 'GET', '/health')).body.data;
      if (after.services.workers?.status === 'up') break;
    }
    assert.equal(after.services.workers?.status, 'up');
    assert.equal(after.services.queue.dead, 0);
    assert.equal(after.services.queue.failed ?? 0, 0);

    // Quiet logs: a few lines about the outage, not one per attempt.
    const lines = s.output().split('\n').filter((x) => x.trim() && !/ (GET|POST|DELETE) \//.test(x));
    const outageLines = lines.filter((x) => /database|unreachable|paused|back after/i.test(x));
    assert.ok(outageLines.length <= 12, `${outageLines.length} log lines about the outage:\n${outageLines.join('\n')}`);
    assert.ok(lines.every((x) => !x.includes('\n')), 'every log entry on one line');
  });
});
