// Takeover after kill -9 (leases, issue 15): an instance holding ≥ 500 claimed webhook jobs is
// killed; the survivor applies every one of them within the lease + 10 s, each exactly once.
// Production mode: two instances on one PostgreSQL + Redis. To make the victim hold many claims
// at once, the jobs are in the stream before it starts (its workers each claim a full batch),
// and a transaction of the test holds processed_webhooks locked so they cannot apply them.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { startStack, call } from './support.mjs';
import { event } from './webhook_support.mjs';

const pg = process.env.LSO_TEST_POSTGRES_URL;
const redis = process.env.LSO_TEST_REDIS_URL;
if ((!pg || !redis) && (process.env.LSO_REQUIRE_REDIS === '1' || process.env.LSO_REQUIRE_POSTGRES === '1'))
  throw new Error('production-mode tests need LSO_TEST_POSTGRES_URL and LSO_TEST_REDIS_URL');

const LEASE_SECONDS = Number(process.env.LSO_TAKEOVER_LEASE_SECONDS ?? 5);
const JOBS = Number(process.env.LSO_TAKEOVER_JOBS ?? 600);
// Each worker claims up to 256 jobs: enough workers for the victim to hold them all.
const WORKERS = Math.max(4, Math.ceil(JOBS / 256));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(fn, ms, what) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await sleep(50);
  }
  assert.fail(`timed out waiting for ${what}`);
}
const redisCli = (...args) => {
  const u = new URL(redis);
  return execFileSync('redis-cli', ['-h', u.hostname, '-p', u.port, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 }).trim();
};
// Claimed, unacknowledged jobs of the webhook queue's consumer group.
const pendingJobs = () => Number(redisCli('XPENDING', 'lso:webhooks', 'lso-workers').split('\n')[0]);

describe('takeover after kill -9 (two instances on PostgreSQL + Redis)', { skip: !pg || !redis ? 'needs LSO_TEST_POSTGRES_URL and LSO_TEST_REDIS_URL' : false }, () => {
  let victim, survivor, locker;
  let unlock = () => {};
  const LOCKER = `lso-takeover-lock-${process.pid}`;
  const env = { REDIS_URL: redis, WEBHOOK_QUEUE_CONCURRENCY: String(WORKERS), WEBHOOK_QUEUE_LEASE_SECONDS: String(LEASE_SECONDS) };
  before(async () => {
    redisCli('FLUSHALL');
  });
  after(async () => {
    unlock();
    locker?.kill('SIGKILL');
    await survivor?.stop();
    await victim?.stop().catch(() => {});
  });

  it(`kill -9 of an instance holding ≥ 500 claimed jobs: all applied within lease + 10 s`, async () => {
    // A first instance creates the schema and the livestream, then leaves (cleanly).
    const setup = await startStack({ backend: 'postgresql', env: { ...env, INSTANCE_NAME: 'setup' } });
    const databaseUrl = setup.databaseUrl;
    const created = await call(setup.base, 'POST', '/api/v1/livestreams', { json: { roomName: `to-${process.pid}`, title: 'T', createdBy: 'c', maxParticipants: 10000 } });
    assert.equal(created.status, 201, created.text);
    const l = created.body.data;
    await setup.stop();

    // The jobs, as the receiver stores them (stream entry + dedup marker), before any worker runs.
    const lines = [];
    for (let i = 0; i < JOBS; i++) {
      const e = event('participant_joined', l.roomName, { identity: `to-${i}` });
      const body = JSON.stringify(e).replaceAll('"', '\\"');
      lines.push(`SET lso:webhook:queued:${e.id} 1 EX 86400`, `XADD lso:webhooks * id ${e.id} body "${body}" a 1`);
    }
    const u = new URL(redis);
    execFileSync('redis-cli', ['-h', u.hostname, '-p', u.port], { input: lines.join('\n') + '\n', stdio: ['pipe', 'ignore', 'inherit'] });

    // Nothing can be applied while this transaction holds the dedup table.
    locker = spawn('psql', [databaseUrl, '-qc', 'BEGIN; LOCK TABLE processed_webhooks IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(600);'], { stdio: 'ignore', env: { ...process.env, PGAPPNAME: LOCKER } });
    unlock = () => execFileSync('psql', [databaseUrl, '-qtAc', `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '${LOCKER}'`], { stdio: 'ignore' });
    await until(() => execFileSync('psql', [databaseUrl, '-tAc', "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'processed_webhooks' AND l.granted AND l.mode = 'AccessExclusiveLock'"], { encoding: 'utf8' }).trim() === '1', 10000, 'the lock');

    victim = await startStack({ backend: 'postgresql', env: { ...env, DATABASE_URL: databaseUrl, INSTANCE_NAME: 'victim' } });
    await until(() => pendingJobs() >= JOBS, 30000, `the victim claiming all ${JOBS} jobs`);
    const held = pendingJobs();
    survivor = await startStack({ backend: 'postgresql', env: { ...env, DATABASE_URL: databaseUrl, INSTANCE_NAME: 'survivor' } });

    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    unlock();  // a killed psql would leave its backend sleeping with the lock
    locker.kill('SIGKILL');
    locker = undefined;
    let firstAt;
    let last;
    await until(async () => {
      const n = (await call(survivor.base, 'GET', `/api/v1/livestreams/${l.id}/state`)).body.data.viewerCount;
      last = n;
      if (!firstAt && n > 0) firstAt = Date.now();
      return n >= JOBS;
    }, (LEASE_SECONDS + 10) * 1000, `all ${JOBS} joins applied`).catch((e) => {
      console.log(`applied ${last}, claimed ${pendingJobs()}\n${survivor.output()}`);
      throw e;
    });
    const doneAt = Date.now();
    console.log(`takeover: ${held} claimed jobs held at kill -9; lease ${LEASE_SECONDS} s; first applied ${((firstAt - killedAt) / 1000).toFixed(1)} s after the kill, all ${JOBS} after ${((doneAt - killedAt) / 1000).toFixed(1)} s`);
    assert.ok(held >= 500, `the victim held only ${held}`);
    // Exactly once: one participant record per identity.
    const ids = [];
    for (let off = 0; ; off += 100) {
      const page = (await call(survivor.base, 'GET', `/api/v1/livestreams/${l.id}/participants?limit=100&offset=${off}`)).body.data;
      ids.push(...page.map((p) => p.userId));
      if (page.length < 100) break;
    }
    assert.equal(ids.length, JOBS, 'a join was applied twice or lost');
    assert.equal(new Set(ids).size, JOBS, 'a join was applied twice');
    await until(() => pendingJobs() === 0, 10000, 'no job left claimed');
    const h = (await call(survivor.base, 'GET', '/health')).body.data;
    assert.equal(h.services.queue.dead, 0);
  });
});
