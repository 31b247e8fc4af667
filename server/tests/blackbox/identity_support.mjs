// Helpers of the identity suites: accounts and their session cookies, host-app JWTs signed by
// hand (HS256, or broken on purpose), and SSE opened with credentials.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { call } from './support.mjs';

// 40 characters: AUTH_JWT_SECRET needs at least 32.
export const JWT_SECRET = 'lso-blackbox-host-app-secret-0123456789a';
export const PASSWORD = 'correct horse battery';

let seq = 0;
export const unique = (p = 'id') => `${p}-${process.pid}-${++seq}`;
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function until(fn, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

// The lso_session value a reply sets (undefined when it sets none).
export function sessionCookie(res) {
  for (const c of res.headers.getSetCookie()) {
    const m = /^lso_session=([^;]*)/.exec(c);
    if (m) return m[1];
  }
  return undefined;
}
export const setCookieLine = (res) => res.headers.getSetCookie().find((c) => c.startsWith('lso_session=')) ?? '';
export const withCookie = (value) => ({ cookie: `lso_session=${value}` });
export const bearer = (token) => ({ authorization: `Bearer ${token}` });
export const madeUpSessionValue = () => randomBytes(32).toString('base64url');

export async function signup(base, username, displayName, extraHeaders = {}) {
  const r = await call(base, 'POST', '/api/v1/auth/signup', {
    json: { username, password: PASSWORD, ...(displayName ? { displayName } : {}) },
    headers: extraHeaders,
  });
  assert.equal(r.status, 201, `signup ${username}: ${r.text}`);
  const value = sessionCookie(r);
  assert.ok(value, `signup ${username} set no lso_session cookie`);
  return { value, headers: withCookie(value), res: r, user: r.body.data.user };
}

export async function login(base, username, password = PASSWORD, extraHeaders = {}) {
  return call(base, 'POST', '/api/v1/auth/login', { json: { username, password }, headers: extraHeaders });
}

// A compact JWS signed with HS256 (or any header/alg we want to present).
export function jwt(payload, { secret = JWT_SECRET, header = { alg: 'HS256', typ: 'JWT' }, signature } = {}) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${b64(header)}.${b64(payload)}`;
  if (signature !== undefined) return `${head}.${signature}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}
export const nowSec = () => Math.floor(Date.now() / 1000);
export const hostToken = (sub, name, extra = {}) => jwt({ sub, name, iat: nowSec(), exp: nowSec() + 3600, ...extra });

// Opens an SSE stream with the given headers. With `firstEvent`, reads until the first complete
// event and returns it parsed; always aborts the request before returning.
export async function openSse(base, path, headers = {}, { firstEvent = false, timeoutMs = 5000 } = {}) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  try {
    const res = await fetch(base + path, { headers, signal: ctrl.signal });
    const out = { status: res.status, contentType: res.headers.get('content-type') ?? '', text: '' };
    if (res.status !== 200) {
      out.text = await res.text();
      return out;
    }
    if (firstEvent) {
      const reader = res.body.getReader();
      const dec = new TextDecoder();
      let buf = '';
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
          }
          if (ev.data) {
            out.event = { event: ev.event, data: JSON.parse(ev.data) };
            return out;
          }
        }
      }
    }
    return out;
  } finally {
    clearTimeout(timer);
    ctrl.abort();
  }
}
