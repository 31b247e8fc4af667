// Webhook and SSE test helpers: LiveKit-shaped events, signed posts (the official SDK's signing,
// or by hand for claims it will not make), and a minimal SSE reader.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createHash, createHmac } from 'node:crypto';
import { call, repoRoot } from './support.mjs';

const { signWebhook } = await import(join(repoRoot, 'tools/livekit-double/src/webhooks.mjs'));

let seq = 0;
export const uid = (p) => `${p}-${process.pid}-${++seq}`;
export const nowSec = () => Math.floor(Date.now() / 1000);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function event(name, room, participant, extra = {}) {
  const e = { event: name, id: uid('EV'), createdAt: String(nowSec()), room: { sid: `RM_${room}`, name: room, creationTime: String(nowSec()) }, ...extra };
  if (participant) e.participant = { sid: participant.sid ?? uid('PA'), identity: participant.identity, name: participant.name ?? participant.identity, state: 'ACTIVE', joinedAt: String(nowSec()) };
  return e;
}

// An HS256 token signed by hand, for claims the SDK will not produce (expired).
function handSigned(text, key, secret, exp) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const sha256 = createHash('sha256').update(text).digest('base64');
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iss: key, exp, nbf: exp - 600, sha256 })}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

export async function post(base, body, { secret = 'secret', key = 'devkey', ttl = '5m', auth, contentType = 'application/webhook+json', tamper, expired } = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const token = auth !== undefined ? auth : expired ? handSigned(text, key, secret, nowSec() - 120) : await signWebhook(text, key, secret, { ttl });
  return call(base, 'POST', '/api/v1/webhooks/livekit', {
    body: tamper ? text.replace(/.$/, ' ') : text,
    headers: { 'content-type': contentType, ...(token === null ? {} : { authorization: token }) },
  });
}

export async function until(fn, ms = 8000, what = 'condition') {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await sleep(50);
  }
  assert.fail(`timed out waiting for ${what}`);
}

// Minimal SSE reader over fetch: collects {event, data} objects.
export function sse(url) {
  const ctrl = new AbortController();
  const events = [];
  let closed = false;
  const ready = fetch(url, { signal: ctrl.signal }).then(async (res) => {
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /text\/event-stream/);
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let buf = '';
    (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += dec.decode(value, { stream: true });
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const chunk = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const ev = { event: 'message', data: '' };
            for (const line of chunk.split('\n')) {
              if (line.startsWith('event: ')) ev.event = line.slice(7);
              else if (line.startsWith('data: ')) ev.data += line.slice(6);
              else if (line.startsWith('id: ')) ev.id = line.slice(4);
            }
            if (ev.data) ev.data = JSON.parse(ev.data);
            if (ev.data || ev.event !== 'message') events.push({ ...ev, at: Date.now() });
          }
        }
      } catch {}
      closed = true;
    })();
  });
  return { events, ready, close: () => ctrl.abort(), get closed() { return closed; } };
}


// The double's control endpoints. connect: a participant joins the LiveKit room, with an
// orchestrator-issued join token ({token}) or as {identity, name}: the double sends a signed
// participant_joined; returns the participant (its `sid`). disconnect: it leaves
// (participant_left, or participant_connection_aborted with `aborted`).
export async function connect(double, room, body) {
  const r = await fetch(`${double.url}/_double/rooms/${encodeURIComponent(room)}/participants`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  assert.equal(r.status, 201, `the double refused the connection: ${text}`);
  return JSON.parse(text).participant;
}
export async function disconnect(double, room, identity, { aborted = false } = {}) {
  const r = await fetch(`${double.url}/_double/rooms/${encodeURIComponent(room)}/participants/${encodeURIComponent(identity)}${aborted ? '?aborted=1' : ''}`, { method: 'DELETE' });
  const text = await r.text();
  assert.equal(r.status, 200, `the double could not disconnect ${identity}: ${text}`);
  return JSON.parse(text).participant;
}
