// The LiveKit double as a library: startDouble() runs the HTTP server (Twirp RoomService +
// test control endpoints) in this process, so Node tests can use it without a child process.
import http from 'node:http';
import { TokenVerifier } from 'livekit-server-sdk';
import { Rooms } from './rooms.mjs';
import { WebhookSender } from './webhooks.mjs';
import {
  METHODS,
  TWIRP_PREFIX,
  TwirpError,
  codeForStatus,
  decodeRequest,
  encodeResponse,
  statusForCode,
} from './twirp.mjs';
import { handleControl } from './control.mjs';
import { EGRESS_METHODS, EGRESS_PREFIX, INGRESS_METHODS, INGRESS_PREFIX, Media, handleMediaControl } from './media.mjs';

const MAX_BODY_BYTES = 1 << 20;

/**
 * @param {object} [options]
 * @param {number} [options.port] 0 = ephemeral (default)
 * @param {string} [options.host] default 127.0.0.1
 * @param {string} [options.apiKey] default devkey
 * @param {string} [options.apiSecret] default secret
 * @param {string} [options.webhookUrl] where webhooks go; none = recorded only
 * @param {number} [options.webhookRetryBaseMs] default 1000
 * @param {number} [options.webhookRetryMaxMs] default 30000
 * @param {number} [options.webhookTimeoutMs] default 10000
 * @param {number} [options.webhookMaxQueueDepth] 0 = unbounded (LiveKit drops beyond 200)
 * @param {number} [options.webhookMaxQueueAgeMs] 0 = never drop (LiveKit drops after 30 s)
 * @param {number} [options.historyLimit] calls and webhooks kept for inspection (10000)
 * @param {boolean} [options.enforceRoomTimeouts] close rooms on emptyTimeout/departureTimeout like LiveKit
 * @param {string} [options.rtmpUrl] the URL RTMP ingresses answer (rtmp://127.0.0.1:1935/x)
 * @param {string} [options.whipUrl] the URL WHIP ingresses answer (http://127.0.0.1:8080/w)
 * @param {boolean|((line: string) => void)} [options.log] false = quiet
 * @returns {Promise<{url: string, port: number, close: () => Promise<void>, state: object}>}
 */
export async function startDouble(options = {}) {
  const apiKey = options.apiKey ?? 'devkey';
  const apiSecret = options.apiSecret ?? 'secret';
  const host = options.host ?? '127.0.0.1';
  const historyLimit = options.historyLimit ?? 10_000;
  const log = typeof options.log === 'function'
    ? options.log
    : options.log ? (line) => console.log(`[livekit-double] ${line}`) : () => {};

  const webhooks = new WebhookSender({
    apiKey,
    apiSecret,
    url: options.webhookUrl,
    retryBaseMs: options.webhookRetryBaseMs,
    retryMaxMs: options.webhookRetryMaxMs,
    timeoutMs: options.webhookTimeoutMs,
    maxQueueDepth: options.webhookMaxQueueDepth,
    maxQueueAgeMs: options.webhookMaxQueueAgeMs,
    historyLimit,
    log,
  });
  const state = {
    apiKey,
    apiSecret,
    verifier: new TokenVerifier(apiKey, apiSecret),
    tokenCache: new Map(),
    rooms: new Rooms((event, room, participant, extra) => {
      webhooks.emit(event, room, participant, extra);
      // LiveKit's recorder leaves with the room: its egresses finish.
      if (event === 'room_finished') state.media.roomClosed(room.name);
    }, {
      enforceTimeouts: options.enforceRoomTimeouts ?? false,
    }),
    webhooks,
    media: new Media((event, extra) => webhooks.emit(event, null, null, extra), {
      rtmpUrl: options.rtmpUrl,
      whipUrl: options.whipUrl,
    }),
    calls: [],
    historyLimit,
    faults: [],
    log,
  };

  const server = http.createServer((req, res) => {
    handle(state, req, res).catch((err) => {
      log(`internal error: ${err.stack ?? err}`);
      if (!res.headersSent) sendTwirpError(res, new TwirpError('internal', String(err.message ?? err)));
      else res.destroy();
    });
  });
  // Clients keep connections open between calls; outlive their idle timeouts so a benchmark
  // never races a server-side close.
  server.keepAliveTimeout = 75_000;
  server.headersTimeout = 80_000;
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = server.address().port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    state,
    close: () => new Promise((resolve) => {
      state.rooms.clear();
      state.media.clear();
      webhooks.close();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    }),
  };
}

async function handle(state, req, res) {
  const path = req.url.split('?', 1)[0];
  if (path.startsWith(TWIRP_PREFIX)) return handleTwirp(state, req, res, path.slice(TWIRP_PREFIX.length));
  if (path.startsWith(INGRESS_PREFIX)) {
    return handleTwirp(state, req, res, path.slice(INGRESS_PREFIX.length), INGRESS_METHODS, INGRESS_PREFIX);
  }
  if (path.startsWith(EGRESS_PREFIX)) {
    return handleTwirp(state, req, res, path.slice(EGRESS_PREFIX.length), EGRESS_METHODS, EGRESS_PREFIX);
  }
  if (path.startsWith('/_double/')) {
    const body = await readBody(req);
    if (handleMediaControl(state, req, res, body)) return;
    return handleControl(state, req, res, body);
  }
  if (path === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
    // livekit-server answers its root with "OK": load balancers and scripts probe it.
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 2 });
    return res.end(req.method === 'HEAD' ? undefined : 'OK');
  }
  return sendTwirpError(res, new TwirpError('bad_route', `no handler for path "${path}"`));
}

// RoomService methods act on the rooms; Ingress and Egress methods (media.mjs) on the state.
async function handleTwirp(state, req, res, methodName, methods = METHODS, prefix = TWIRP_PREFIX) {
  const call = { method: methodName, body: null, grant: null, at: new Date().toISOString(), status: 0 };
  try {
    if (req.method !== 'POST') {
      req.resume();
      throw new TwirpError('bad_route', `unsupported method ${req.method} (only POST is allowed)`);
    }
    const method = Object.hasOwn(methods, methodName) ? methods[methodName] : undefined;
    const raw = await readBody(req);
    if (!method) {
      throw new TwirpError('bad_route', `no handler for path "${prefix}${methodName}"`);
    }
    const claims = await authenticate(state, req.headers.authorization);
    call.grant = claims.video ?? null;
    const { message, json, binary } = decodeRequest(method.Request, req.headers['content-type'], raw);
    call.body = json;

    await applyFault(state, methodName, res);
    if (res.destroyed) return;

    const missing = method.grant(claims.video, message);
    if (missing) throw new TwirpError('permission_denied', `permissions denied: requires ${missing}`);

    const target = methods === METHODS ? state.rooms : state;
    const { contentType, body } = encodeResponse(method.handle(target, message), binary);
    call.status = 200;
    res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  } catch (err) {
    const twirpError = err instanceof TwirpError ? err : new TwirpError('internal', String(err.message ?? err));
    call.status = twirpError.status;
    call.error = { code: twirpError.code, msg: twirpError.message };
    if (!res.destroyed) sendTwirpError(res, twirpError);
  } finally {
    recordCall(state, call);
    state.log(`twirp ${methodName} → ${call.status}`);
  }
}

function recordCall(state, call) {
  state.calls.push(call);
  if (state.calls.length > state.historyLimit) state.calls.splice(0, state.calls.length - state.historyLimit);
}

/** Verified claims of the bearer token, or a Twirp unauthenticated error. */
async function authenticate(state, header) {
  if (!header) throw new TwirpError('unauthenticated', 'authorization header missing');
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new TwirpError('unauthenticated', 'authorization header must be "Bearer <token>"');
  const token = match[1];
  // Benchmarks send thousands of calls per second, often with the same service token:
  // a verified token is reused until shortly before it expires.
  const cached = state.tokenCache.get(token);
  const nowSec = Date.now() / 1000;
  if (cached && cached.exp > nowSec) return cached;
  let claims;
  try {
    claims = await state.verifier.verify(token);
  } catch (err) {
    throw new TwirpError('unauthenticated', `invalid token: ${err.message}`);
  }
  if (state.tokenCache.size >= 10_000) state.tokenCache.clear();
  state.tokenCache.set(token, claims);
  return claims;
}

/** Injected failures from POST /_double/fail: delay, close the connection, or an error. */
async function applyFault(state, methodName, res) {
  const index = state.faults.findIndex((f) => f.method === '*' || f.method === methodName);
  if (index < 0) return;
  const fault = state.faults[index];
  if (fault.remaining !== Infinity && --fault.remaining <= 0) state.faults.splice(index, 1);
  if (fault.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
  if (fault.mode === 'close') {
    res.socket?.destroy();
    res.destroy();
    return;
  }
  if (fault.status || fault.code) {
    const code = fault.code ?? codeForStatus(fault.status);
    const err = new TwirpError(code, fault.msg ?? `injected ${code} failure`);
    err.status = fault.status ?? statusForCode(code);
    throw err;
  }
}

export function sendTwirpError(res, err) {
  // The JS SDK only parses an error body whose content type is exactly application/json.
  const body = JSON.stringify({ code: err.code, msg: err.message });
  res.writeHead(err.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new TwirpError('invalid_argument', `request body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
