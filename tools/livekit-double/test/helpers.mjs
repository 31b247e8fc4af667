// Shared test fixtures: an in-process double, a scriptable webhook receiver, service tokens
// and a small Twirp client that shows the raw wire (status, headers, JSON).
import http from 'node:http';
import { AccessToken } from 'livekit-server-sdk';
import { startDouble } from '../src/double.mjs';

export const API_KEY = 'devkey';
export const API_SECRET = 'secret';

export async function withDouble(options = {}) {
  return startDouble({ apiKey: API_KEY, apiSecret: API_SECRET, ...options });
}

/** A service token the way the SDK's RoomServiceClient mints one. */
export async function serviceToken(grant, { key = API_KEY, secret = API_SECRET, ttl = '10m', identity } = {}) {
  const token = new AccessToken(key, secret, { ttl, identity });
  token.addGrant(grant);
  return token.toJwt();
}

export async function twirp(baseUrl, method, body, { token, contentType = 'application/json' } = {}) {
  const headers = { 'Content-Type': contentType };
  if (token) headers.Authorization = token.startsWith('Bearer') ? token : `Bearer ${token}`;
  const res = await fetch(`${baseUrl}/twirp/livekit.RoomService/${method}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body ?? {}),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export async function control(baseUrl, method, path, body) {
  const res = await fetch(`${baseUrl}/_double${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/**
 * A webhook receiver on an ephemeral port. `respond` decides each answer's status (default
 * 200); every request is recorded with its exact raw body and headers.
 */
export async function startReceiver(respond = () => 200) {
  const requests = [];
  const waiters = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const entry = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      requests.push(entry);
      const answer = respond(entry, requests.length);
      const status = typeof answer === 'number' ? answer : answer.status;
      res.writeHead(status, answer.headers ?? {});
      res.end();
      for (const w of [...waiters]) w();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/webhook`,
    requests,
    /** Resolves once `n` requests arrived (rejects after timeoutMs). */
    waitFor(n, timeoutMs = 5000) {
      if (requests.length >= n) return Promise.resolve(requests);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${requests.length}/${n} webhooks arrived`)), timeoutMs);
        const check = () => {
          if (requests.length >= n) {
            clearTimeout(timer);
            waiters.splice(waiters.indexOf(check), 1);
            resolve(requests);
          }
        };
        waiters.push(check);
      });
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}
