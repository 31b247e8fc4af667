// The API documentation and /metrics (issue: containers, API documentation and operations):
// every route the server registers is in the OpenAPI document, every documented route answers
// (never the router's own 404/405), and /metrics counts the routes used.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, call, serverBin, repoRoot } from './support.mjs';

describe('OpenAPI document and /metrics', () => {
  let s;
  before(async () => {
    s = await startStack({ env: { STATIC_DIR: join(repoRoot, 'client/dist') } });
  });
  after(async () => {
    await s.stop();
  });

  it('documents exactly the registered routes, and each documented route answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lso-routes-'));
    let registered;
    try {
      registered = execFileSync(serverBin, ['routes'], {
        cwd: dir,
        env: { PATH: process.env.PATH, DATABASE_URL: `sqlite:${join(dir, 'r.db')}`, LOG_LEVEL: 'error', LIVEKIT_URL: 'ws://127.0.0.1:9' },
        encoding: 'utf8',
      }).trim().split('\n').map((l) => { const [m, p] = l.split(' '); return `${m.toLowerCase()} ${p.replace(/:(\w+)/g, '{$1}')}`; });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const doc = (await call(s.base, 'GET', '/api/v1/openapi.json')).body;
    assert.match(doc.openapi, /^3\./);
    const documented = [];
    for (const [path, ops] of Object.entries(doc.paths))
      for (const m of Object.keys(ops)) if (['get', 'post', 'put', 'delete', 'patch'].includes(m)) documented.push(`${m} ${path}`);
    assert.ok(registered.length >= 15, registered.join('\n'));
    for (const r of registered) assert.ok(documented.includes(r), `registered but undocumented: ${r}`);
    for (const d of documented) assert.ok(registered.includes(d), `documented but not registered: ${d}`);

    const id = (await call(s.base, 'POST', '/api/v1/livestreams', { json: { roomName: `doc-${process.pid}`, title: 't', createdBy: 'u' } })).body.data.id;
    for (const d of documented) {
      const [m, p] = d.split(' ');
      const path = p.replace('{id}', id);
      const ctrl = new AbortController();
      const res = await fetch(s.base + path, {
        method: m.toUpperCase(), signal: ctrl.signal, redirect: 'manual',
        headers: m === 'get' ? {} : { 'content-type': 'application/json' }, body: m === 'get' ? undefined : '{}',
      });
      const text = res.headers.get('content-type')?.includes('event-stream') ? '' : await res.text();
      ctrl.abort();
      assert.notEqual(res.status, 405, `${d}: ${text}`);
      assert.ok(!(res.status === 404 && text.includes('Route ')), `${d} is not routed: ${text}`);
    }
  });

  it('/api/docs leads to the bundled reference page', async () => {
    const r = await fetch(`${s.base}/api/docs`, { redirect: 'manual' });
    assert.equal(r.status, 302);
    assert.equal(r.headers.get('location'), '/api-docs/');
    const page = await call(s.base, 'GET', '/api-docs/');
    assert.equal(page.status, 200);
    assert.match(page.text, /api-docs\.js/);
  });

  it('/metrics shows non-zero counters for the routes used', async () => {
    for (let i = 0; i < 3; i++) await call(s.base, 'GET', '/api/v1/livestreams?limit=1');
    await call(s.base, 'GET', '/api/v1/livestreams/00000000-0000-4000-8000-000000000000');
    const m = await call(s.base, 'GET', '/metrics');
    assert.equal(m.status, 200);
    assert.match(m.headers.get('content-type'), /text\/plain/);
    const count = (re) => Number((m.text.match(re) ?? [])[1] ?? 0);
    assert.ok(count(/lso_http_requests_total\{route="\/api\/v1\/livestreams",method="GET",status="200"\} (\d+)/) >= 3, m.text);
    assert.ok(count(/lso_http_requests_total\{route="\/api\/v1\/livestreams\/:id",method="GET",status="404"\} (\d+)/) >= 1);
    assert.ok(count(/lso_http_request_duration_seconds_count\{route="\/api\/v1\/livestreams"\} (\d+)/) >= 3);
    assert.ok(count(/lso_livekit_requests_total\{method="CreateRoom"\} (\d+)/) >= 1);
    assert.match(m.text, /lso_sse_connections \d+/);
    assert.match(m.text, /lso_webhook_queue_jobs\{state="waiting"\} \d+/);
    assert.match(m.text, /lso_db_pool_in_use \d+/);
  });
});
