// Webhook delivery as LiveKit does it: protojson WebhookEvent body, a JWT in Authorization
// carrying the body's SHA-256, one ordered queue per room, retries with exponential backoff.
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { WebhookEvent } from '@livekit/protocol';
import { AccessToken } from 'livekit-server-sdk';
import { newId, nowSeconds, toWebhookJsonString } from './wire.mjs';

export const WEBHOOK_CONTENT_TYPE = 'application/webhook+json';
// LiveKit's retryablehttp client: 1 try + 4 retries, waits from 1 s doubling up to 30 s.
const MAX_ATTEMPTS = 5;
const DEFAULT_MAX_BACKOFF_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 10_000;

/** Standard base64 of the SHA-256 of the exact body bytes: the JWT's `sha256` claim. */
export function bodySha256(body) {
  return createHash('sha256').update(body).digest('base64');
}

/**
 * The Authorization header value LiveKit sends with a webhook: an HS256 JWT by the API
 * secret, iss = API key, valid 5 minutes, no subject, `sha256` = bodySha256(body).
 * Minted with the SDK's own AccessToken so the claims are LiveKit's, not our reading.
 */
export async function signWebhook(body, apiKey, apiSecret, { ttl = '5m', sha256 } = {}) {
  const token = new AccessToken(apiKey, apiSecret, { ttl });
  token.sha256 = sha256 ?? bodySha256(body);
  return token.toJwt();
}

/** The queue an event waits in, as LiveKit's EventKey picks it: ordering holds only within one. */
export function eventKey(event) {
  if (event.egressInfo) return event.egressInfo.egressId;
  if (event.ingressInfo) return event.ingressInfo.ingressId;
  if (event.room) return event.room.name;
  if (event.participant) return event.participant.identity;
  if (event.track) return event.track.sid;
  return 'default';
}

// A 4xx other than 429 is the receiver rejecting the event: retrying cannot help.
// 501 means "never implemented", also final (retryablehttp's DefaultRetryPolicy).
function isRetryableStatus(status) {
  return status === 429 || (status >= 500 && status !== 501);
}

/** One event on its way to the receiver; its JSON form is what GET /_double/webhooks shows. */
class Delivery {
  constructor(body, meta, auth, url) {
    this.id = meta.id ?? null;
    this.event = meta.event ?? null;
    this.room = meta.room ?? null;
    this.participant = meta.participant ?? null;
    this.url = url;
    this.status = 'queued';
    this.attempts = [];
    this.responseStatus = null;
    this.queuedAtMs = Date.now();
    this.deliveredAt = null;
    this.body = body;
    this.auth = auth;
    this.done = new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  toJSON() {
    return {
      id: this.id,
      event: this.event,
      room: this.room,
      participant: this.participant,
      url: this.url,
      status: this.status,
      attempts: this.attempts,
      responseStatus: this.responseStatus,
      queuedAt: new Date(this.queuedAtMs).toISOString(),
      deliveredAt: this.deliveredAt,
      body: this.body,
    };
  }
}

export class WebhookSender {
  /**
   * @param {object} o
   * @param {string} o.apiKey
   * @param {string} o.apiSecret
   * @param {string} [o.url] where to POST; without it events are recorded, not sent
   * @param {number} [o.retryBaseMs] first backoff (LiveKit: 1000)
   * @param {number} [o.retryMaxMs] backoff cap (LiveKit: 30000)
   * @param {number} [o.timeoutMs] per attempt
   * @param {number} [o.maxQueueDepth] emulate LiveKit's drop of events beyond this many queued per room (0 = never)
   * @param {number} [o.maxQueueAgeMs] emulate LiveKit's drop of events that waited longer (0 = never)
   * @param {number} [o.historyLimit] deliveries kept for GET /_double/webhooks
   * @param {(line: string) => void} [o.log]
   */
  constructor(o) {
    this.apiKey = o.apiKey;
    this.apiSecret = o.apiSecret;
    this.url = o.url || '';
    this.retryBaseMs = o.retryBaseMs ?? 1000;
    this.retryMaxMs = o.retryMaxMs ?? DEFAULT_MAX_BACKOFF_MS;
    this.timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxQueueDepth = o.maxQueueDepth ?? 0;
    this.maxQueueAgeMs = o.maxQueueAgeMs ?? 0;
    this.historyLimit = o.historyLimit ?? 10_000;
    this.log = o.log ?? (() => {});
    this.queues = new Map(); // queue key → array of pending deliveries
    this.history = [];
    this.idleWaiters = [];
    this.timers = new Set();
    // Keep-alive pools: a benchmark may push thousands of events per second.
    this.agents = {
      'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
      'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
    };
    this.closed = false;
  }

  /** Queue a protocol event built from its parts; the body is fixed (snapshot) now. */
  emit(eventName, room, participant, extra = {}) {
    const event = new WebhookEvent({
      event: eventName,
      room: room?.clone(),
      participant: participant?.clone(),
      id: newId('EV_'),
      createdAt: nowSeconds(),
      ...extra,
    });
    return this.enqueue(eventKey(event), toWebhookJsonString(event), {
      id: event.id,
      event: eventName,
      room: event.room?.name,
      participant: event.participant?.identity,
    });
  }

  /**
   * Queue a body exactly as given (it may be a WebhookEvent JSON or any bytes a test wants
   * the receiver to see). `auth` lets tests send deliberately bad signatures.
   */
  enqueue(key, body, meta = {}, auth = {}) {
    const delivery = new Delivery(body, meta, auth, auth.url || this.url);
    this.remember(delivery);

    if (!delivery.url) {
      delivery.status = 'not_sent';
      delivery.resolve(delivery);
      return delivery;
    }
    let queue = this.queues.get(key);
    if (queue && this.maxQueueDepth > 0 && queue.length >= this.maxQueueDepth) {
      this.finish(delivery, 'dropped');
      return delivery;
    }
    if (!queue) {
      queue = [];
      this.queues.set(key, queue);
      queue.push(delivery);
      this.drain(key, queue);
    } else {
      queue.push(delivery);
    }
    return delivery;
  }

  remember(delivery) {
    this.history.push(delivery);
    if (this.history.length > this.historyLimit) {
      this.history.splice(0, this.history.length - this.historyLimit);
    }
  }

  // One worker per queue key keeps events of a room in order, as LiveKit's resource queues do.
  async drain(key, queue) {
    while (queue.length > 0 && !this.closed) {
      const delivery = queue[0];
      if (this.maxQueueAgeMs > 0 && Date.now() - delivery.queuedAtMs > this.maxQueueAgeMs) {
        this.finish(delivery, 'dropped');
      } else {
        await this.deliver(delivery);
      }
      queue.shift();
    }
    if (this.queues.get(key) === queue) this.queues.delete(key);
    for (const d of queue) this.finish(d, 'cancelled');
    if (this.queues.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  async deliver(delivery) {
    delivery.status = 'sending';
    const headers = { 'Content-Type': delivery.auth.contentType ?? WEBHOOK_CONTENT_TYPE };
    const authorization = await this.authorizationFor(delivery);
    if (authorization !== null) headers.Authorization = authorization;
    headers['User-Agent'] = 'LiveKit';

    for (let attempt = 1; attempt <= MAX_ATTEMPTS && !this.closed; attempt++) {
      const started = Date.now();
      const result = await this.post(delivery.url, delivery.body, headers);
      delivery.attempts.push({
        at: new Date(started).toISOString(),
        status: result.status ?? null,
        error: result.error ?? null,
        durationMs: Date.now() - started,
      });
      delivery.responseStatus = result.status ?? null;
      if (result.status >= 200 && result.status < 300) {
        this.finish(delivery, 'delivered');
        return;
      }
      const retryable = result.error !== undefined || isRetryableStatus(result.status);
      if (!retryable) {
        this.finish(delivery, 'rejected');
        return;
      }
      if (attempt < MAX_ATTEMPTS) await this.sleep(this.backoffMs(attempt, result));
    }
    this.finish(delivery, this.closed ? 'cancelled' : 'failed');
  }

  async authorizationFor(delivery) {
    const a = delivery.auth;
    if (a.authorization !== undefined) return a.authorization; // literal header from a test
    switch (a.signature ?? 'valid') {
      case 'none':
        return null;
      case 'bad-hash':
        return this.prefix(a, await signWebhook(delivery.body, this.apiKey, this.apiSecret, {
          sha256: bodySha256(`${delivery.body} `),
        }));
      case 'wrong-secret':
        return this.prefix(a, await signWebhook(delivery.body, this.apiKey, `${this.apiSecret}-wrong`));
      case 'wrong-key':
        return this.prefix(a, await signWebhook(delivery.body, `${this.apiKey}-wrong`, this.apiSecret));
      case 'expired':
        return this.prefix(a, await signWebhook(delivery.body, this.apiKey, this.apiSecret, { ttl: '-10m' }));
      default:
        return this.prefix(a, await signWebhook(delivery.body, this.apiKey, this.apiSecret));
    }
  }

  prefix(auth, token) {
    return auth.bearer ? `Bearer ${token}` : token;
  }

  // Backoff as go-retryablehttp's DefaultBackoff: base·2^(n-1) capped, or the receiver's
  // Retry-After (seconds) on 429/503.
  backoffMs(attempt, result) {
    if ((result.status === 429 || result.status === 503) && result.retryAfter !== undefined) {
      const seconds = Number(result.retryAfter);
      if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, this.retryMaxMs);
    }
    return Math.min(this.retryBaseMs * 2 ** (attempt - 1), this.retryMaxMs);
  }

  post(url, body, headers) {
    return new Promise((resolve) => {
      const target = this.parseUrl(url);
      if (!target) {
        resolve({ error: `invalid url ${url}` });
        return;
      }
      const lib = target.protocol === 'https:' ? https : http;
      const buffer = Buffer.from(body);
      const req = lib.request(target, {
        method: 'POST',
        agent: this.agents[target.protocol],
        headers: { ...headers, 'Content-Length': buffer.length },
        timeout: this.timeoutMs,
      }, (res) => {
        res.resume(); // the answer body is not needed; drain it to keep the socket reusable
        res.on('end', () => resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'] }));
        res.on('error', (err) => resolve({ error: err.message }));
      });
      req.on('timeout', () => req.destroy(new Error(`timeout after ${this.timeoutMs} ms`)));
      req.on('error', (err) => resolve({ error: err.message || err.code || 'connection error' }));
      req.end(buffer);
    });
  }

  // Every delivery goes to the same one or two URLs: parse each once.
  parseUrl(url) {
    if (this.parsedUrl?.text !== url) {
      let target = null;
      try {
        target = new URL(url);
        if (target.protocol !== 'http:' && target.protocol !== 'https:') target = null;
      } catch {
        target = null;
      }
      this.parsedUrl = { text: url, target };
    }
    return this.parsedUrl.target;
  }

  finish(delivery, status) {
    delivery.status = status;
    if (status === 'delivered') delivery.deliveredAt = new Date().toISOString();
    this.log(`webhook ${delivery.event ?? '?'} ${delivery.id ?? ''} → ${status}` +
      (delivery.responseStatus ? ` (${delivery.responseStatus})` : ''));
    delivery.resolve(delivery);
  }

  sleep(ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(entry);
        resolve();
      }, ms);
      const entry = { timer, resolve };
      this.timers.add(entry);
    });
  }

  /** Resolves once every queue is empty (or after timeoutMs: resolves false). */
  idle(timeoutMs = 30_000) {
    if (this.queues.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Forget the history; queued deliveries are cancelled. */
  reset() {
    for (const queue of this.queues.values()) {
      for (const d of queue.splice(1)) this.finish(d, 'cancelled');
    }
    this.history = [];
  }

  close() {
    this.closed = true;
    // Wake sleeping retries so their workers see `closed` and stop.
    for (const { timer, resolve } of this.timers) {
      clearTimeout(timer);
      resolve();
    }
    this.timers.clear();
    for (const agent of Object.values(this.agents)) agent.destroy();
  }
}
