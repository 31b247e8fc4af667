// Black-box test support: starts the real server binary (SQLite or a fresh PostgreSQL database)
// next to an in-process LiveKit double, and a tiny HTTP client that returns status, headers, JSON.
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../../..');
const doubleDir = join(repoRoot, 'tools/livekit-double');
const { startDouble } = await import(join(doubleDir, 'src/double.mjs'));
// The official SDK, from the double's dependencies (the project's one copy of it).
export const sdk = createRequire(join(doubleDir, 'package.json'))('livekit-server-sdk');
// The official protocol types, to read what the orchestrator sent LiveKit.
export const protocol = createRequire(join(doubleDir, 'package.json'))('@livekit/protocol');

// The double's log of one Twirp method's calls: {method, body (JSON as sent), grant, status}.
export async function twirpCalls(double, method) {
  return (await fetch(`${double.url}/_double/calls?method=${encodeURIComponent(method)}`)).json();
}

export const serverBin = resolve(process.env.LSO_SERVER_BIN ?? join(repoRoot, 'build/ci/src/livestream-orchestrator'));

export async function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

// The backends to run a suite against: SQLite always; PostgreSQL when the test script started
// one (LSO_TEST_POSTGRES_URL), and it must be there when LSO_REQUIRE_POSTGRES=1.
export function backends() {
  const list = ['sqlite'];
  if (process.env.LSO_TEST_POSTGRES_URL) list.push('postgresql');
  else if (process.env.LSO_REQUIRE_POSTGRES === '1') throw new Error('LSO_REQUIRE_POSTGRES=1 but LSO_TEST_POSTGRES_URL is not set');
  return list;
}

function freshPostgresDatabase() {
  const base = new URL(process.env.LSO_TEST_POSTGRES_URL);
  const name = `lso_bb_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  execFileSync('psql', [base.toString(), '-qc', `CREATE DATABASE ${name}`], { stdio: 'pipe' });
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

// Starts double + server; `env` overrides the server's environment.
export async function startStack({ backend = 'sqlite', env = {}, doubleOptions = {} } = {}) {
  // The double first (ephemeral port), then the server on a port picked just before it binds;
  // another process can still take that port in between, so a bind failure is retried on a new one.
  const double = await startDouble({ webhookRetryBaseMs: 20, ...doubleOptions });
  const dir = mkdtempSync(join(tmpdir(), 'lso-bb-'));
  const databaseUrl = backend === 'postgresql' ? freshPostgresDatabase() : `sqlite:${join(dir, 'test.db')}`;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(serverBin, [], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: databaseUrl,
        LIVEKIT_URL: `ws://127.0.0.1:${double.port}`,
        LIVEKIT_API_KEY: 'devkey',
        LIVEKIT_API_SECRET: 'secret',
        RATE_LIMIT_ENABLED: 'false',
        LOG_LEVEL: 'warn',
        // The seed's contract (identity from request bodies); suites about identity set
        // AUTH_MODE themselves.
        AUTH_MODE: 'open',
        AUTH_ALLOW_OPEN: 'true',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise((ok) => child.on('exit', (code, signal) => ok({ code, signal })));
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 15000;
    let up = false;
    for (;;) {
      try {
        const r = await fetch(`${base}/health/live`);
        if (r.ok) {
          up = true;
          break;
        }
      } catch {}
      if (child.exitCode !== null || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!up) {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
      if (attempt < 5 && /Address already in use/.test(output)) continue;
      await double.close();
      throw new Error(`server did not start (exit ${child.exitCode}):\n${output}`);
    }
    await fetch(`${double.url}/_double/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ webhookUrl: `${base}/api/v1/webhooks/livekit` }),
    });
    return {
      base,
      double,
      databaseUrl,
      output: () => output,
      exited,
      child,
      async stop() {
        if (child.exitCode === null) child.kill('SIGTERM');
        const result = await exited;
        await double.close();
        rmSync(dir, { recursive: true, force: true });
        return result;
      },
    };
  }
}

// fetch wrapper: JSON in (object → JSON body), {status, headers, body (parsed when JSON), text} out.
export async function call(base, method, path, { json, body, headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers['content-type'] ??= 'application/json';
  } else if (body !== undefined) {
    init.body = body;
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, body: parsed, text };
}

// Asserts the error envelope: {success: false, error, message, statusCode}.
export function assertError(assert, res, status, error) {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
  assert.equal(res.body?.success, false, res.text);
  assert.equal(res.body.statusCode, status);
  if (error) assert.equal(res.body.error, error);
  assert.equal(typeof res.body.message, 'string');
  assert.ok(res.body.message.length > 0);
}
