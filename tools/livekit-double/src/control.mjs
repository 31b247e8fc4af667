// Test control endpoints under /_double/: simulate participants and room endings, inspect
// calls and webhooks, inject failures, send arbitrary signed webhooks. No auth: tests only.
// Open to every origin (CORS): in simulated mode the web client announces its own presence.
import { DisconnectReason, ParticipantInfo, ParticipantInfo_State, Room, WebhookEvent } from '@livekit/protocol';
import { newId, nowSeconds, toTwirpJson, toWebhookJsonString } from './wire.mjs';
import { statusForCode } from './twirp.mjs';
import { eventKey } from './webhooks.mjs';

class ControlError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function sendJson(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function parseJsonBody(raw) {
  if (raw.length === 0) return {};
  try {
    const value = JSON.parse(raw.toString('utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new ControlError(400, 'body must be a JSON object');
    }
    return value;
  } catch (err) {
    if (err instanceof ControlError) throw err;
    throw new ControlError(400, `malformed JSON: ${err.message}`);
  }
}

function roomView(entry) {
  return { ...toTwirpJson(entry.room), participants: [...entry.participants.values()].map(toTwirpJson) };
}

// Routes: [method, pattern, handler(state, params, body, query)] → [status, json]
const ROUTES = [
  ['GET', /^\/_double\/health$/, (s) => [200, {
    status: 'ok',
    rooms: s.rooms.byName.size,
    participants: [...s.rooms.byName.values()].reduce((n, e) => n + e.participants.size, 0),
    webhookUrl: s.webhooks.url || null,
    webhooksPending: [...s.webhooks.queues.values()].reduce((n, q) => n + q.length, 0),
  }]],
  ['POST', /^\/_double\/reset$/, (s) => {
    s.rooms.clear();
    s.media?.clear();
    s.calls.length = 0;
    s.faults.length = 0;
    s.webhooks.reset();
    return [200, { reset: true }];
  }],
  ['POST', /^\/_double\/config$/, (s, _p, body) => {
    if (body.webhookUrl !== undefined) s.webhooks.url = String(body.webhookUrl ?? '');
    if (body.webhookRetryBaseMs !== undefined) s.webhooks.retryBaseMs = nonNegative(body.webhookRetryBaseMs, 'webhookRetryBaseMs');
    if (body.webhookRetryMaxMs !== undefined) s.webhooks.retryMaxMs = nonNegative(body.webhookRetryMaxMs, 'webhookRetryMaxMs');
    return [200, { webhookUrl: s.webhooks.url || null, webhookRetryBaseMs: s.webhooks.retryBaseMs, webhookRetryMaxMs: s.webhooks.retryMaxMs }];
  }],
  ['GET', /^\/_double\/rooms$/, (s) => [200, [...s.rooms.byName.values()].map(roomView)]],
  ['GET', /^\/_double\/rooms\/([^/]+)$/, (s, [room]) => [200, roomView(existingRoom(s, room))]],
  ['POST', /^\/_double\/rooms\/([^/]+)\/participants$/, async (s, [room], body) => {
    const who = body.token ? await fromJoinToken(s, room, body.token) : fromBody(body);
    const participant = s.rooms.join(room, who);
    return [201, { participant: toTwirpJson(participant), room: toTwirpJson(s.rooms.get(room).room) }];
  }],
  ['DELETE', /^\/_double\/rooms\/([^/]+)\/participants\/([^/]+)$/, (s, [room, identity], _b, query) => {
    const aborted = ['1', 'true'].includes(query.get('aborted') ?? '');
    const participant = s.rooms.leave(room, identity, {
      aborted,
      reason: aborted ? DisconnectReason.CONNECTION_TIMEOUT : DisconnectReason.CLIENT_INITIATED,
    });
    if (!participant) throw new ControlError(404, `participant "${identity}" not in room "${room}"`);
    return [200, { participant: toTwirpJson(participant) }];
  }],
  // A simulated publisher's tracks: track_published / track_unpublished webhooks.
  ['POST', /^\/_double\/rooms\/([^/]+)\/participants\/([^/]+)\/tracks$/, (s, [room, identity], body) => {
    const type = String(body.type ?? 'AUDIO').toUpperCase();
    if (type !== 'AUDIO' && type !== 'VIDEO') throw new ControlError(400, 'type must be AUDIO or VIDEO');
    const track = s.rooms.publish(room, identity, { type, name: body.name ? String(body.name) : '' });
    if (track === undefined) throw new ControlError(404, `participant "${identity}" not in room "${room}"`);
    if (track === null) throw new ControlError(403, `participant "${identity}" may not publish`);
    return [201, { track: toTwirpJson(track) }];
  }],
  ['DELETE', /^\/_double\/rooms\/([^/]+)\/participants\/([^/]+)\/tracks\/([^/]+)$/, (s, [room, identity, sid]) => {
    const track = s.rooms.unpublish(room, identity, sid);
    if (!track) throw new ControlError(404, `track "${sid}" not published by "${identity}"`);
    return [200, { track: toTwirpJson(track) }];
  }],
  ['POST', /^\/_double\/rooms\/([^/]+)\/end$/, (s, [room]) => {
    existingRoom(s, room);
    s.rooms.close(room, DisconnectReason.ROOM_CLOSED);
    return [200, { ended: room }];
  }],
  ['POST', /^\/_double\/rooms\/([^/]+)\/drop$/, (s, [room]) => {
    existingRoom(s, room);
    s.rooms.drop(room);
    return [200, { dropped: room }];
  }],
  ['POST', /^\/_double\/rooms\/([^/]+)\/simulate$/, (s, [room], body) => {
    const viewers = Number(body.viewers ?? 0);
    if (!Number.isInteger(viewers) || viewers < 0 || viewers > 100_000) {
      throw new ControlError(400, 'viewers must be an integer between 0 and 100000');
    }
    const prefix = body.prefix ? String(body.prefix) : 'sim-viewer';
    const identities = [];
    for (let i = 0; i < viewers; i++) {
      const identity = `${prefix}-${i}`;
      s.rooms.join(room, { identity, name: identity, permission: { canSubscribe: true } });
      identities.push(identity);
    }
    return [200, { room, joined: identities.length, identities }];
  }],
  ['GET', /^\/_double\/calls$/, (s, _p, _b, query) => {
    const method = query.get('method');
    return [200, method ? s.calls.filter((c) => c.method === method) : s.calls];
  }],
  ['GET', /^\/_double\/webhooks$/, (s, _p, _b, query) => {
    const event = query.get('event');
    const room = query.get('room');
    return [200, s.webhooks.history.filter((d) => (!event || d.event === event) && (!room || d.room === room))];
  }],
  ['POST', /^\/_double\/webhooks\/flush$/, async (s, _p, body) => {
    const idle = await s.webhooks.idle(Number(body.timeoutMs ?? 30_000));
    return [idle ? 200 : 504, { idle }];
  }],
  ['POST', /^\/_double\/webhooks\/send$/, async (s, _p, body) => {
    const delivery = sendCustomWebhook(s, body);
    if (body.wait) await delivery.done;
    return [202, delivery];
  }],
  ['POST', /^\/_double\/fail$/, (s, _p, body) => {
    const fault = parseFault(body);
    s.faults.push(fault);
    return [200, { ...fault, remaining: fault.remaining === Infinity ? -1 : fault.remaining }];
  }],
  ['DELETE', /^\/_double\/fail$/, (s) => {
    s.faults.length = 0;
    return [200, { cleared: true }];
  }],
];

// A browser page (the orchestrator's web client, on another origin) may call any control
// endpoint: a JSON body or a DELETE needs a preflight, which is answered here.
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type',
  'Access-Control-Max-Age': '600',
};

export async function handleControl(state, req, res, raw) {
  const [path, search = ''] = req.url.split('?', 2);
  const query = new URLSearchParams(search);
  for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { 'Content-Length': 0 });
    return res.end();
  }
  try {
    for (const [method, pattern, handler] of ROUTES) {
      const match = pattern.exec(path);
      if (!match) continue;
      if (req.method !== method) continue;
      const params = match.slice(1).map(decodeURIComponent);
      const body = method === 'GET' || method === 'DELETE' ? {} : parseJsonBody(raw);
      const [status, value] = await handler(state, params, body, query);
      return sendJson(res, status, value);
    }
    const known = ROUTES.some(([, pattern]) => pattern.test(path));
    throw new ControlError(known ? 405 : 404, `no control endpoint ${req.method} ${path}`);
  } catch (err) {
    if (!(err instanceof ControlError)) throw err;
    return sendJson(res, err.status, { error: err.message });
  }
}

function existingRoom(state, name) {
  const entry = state.rooms.get(name);
  if (!entry) throw new ControlError(404, `room "${name}" not found`);
  return entry;
}

function nonNegative(value, name) {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new ControlError(400, `${name} must be a number ≥ 0`);
  return n;
}

function fromBody(body) {
  if (typeof body.identity !== 'string' || body.identity === '') {
    throw new ControlError(400, 'identity (string) is required, or a join token in "token"');
  }
  return {
    identity: body.identity,
    name: body.name === undefined ? '' : String(body.name),
    metadata: typeof body.metadata === 'string' ? body.metadata
      : body.metadata === undefined ? '' : JSON.stringify(body.metadata),
    attributes: body.attributes ?? {},
    permission: body.permission,
  };
}

// Joining with an orchestrator-issued token: the participant is who the token says, with
// the permissions it grants, as LiveKit would admit them.
async function fromJoinToken(state, room, token) {
  let claims;
  try {
    claims = await state.verifier.verify(token);
  } catch (err) {
    throw new ControlError(401, `invalid join token: ${err.message}`);
  }
  const video = claims.video ?? {};
  if (!video.roomJoin) throw new ControlError(403, 'token has no roomJoin grant');
  if (video.room !== room) throw new ControlError(403, `token is for room "${video.room}", not "${room}"`);
  if (!claims.sub) throw new ControlError(401, 'token has no identity (sub)');
  return {
    identity: claims.sub,
    name: claims.name ?? '',
    metadata: claims.metadata ?? '',
    attributes: claims.attributes ?? {},
    // An absent permission counts as granted (LiveKit's VideoGrant defaults).
    permission: {
      canSubscribe: video.canSubscribe ?? true,
      canPublish: video.canPublish ?? true,
      canPublishData: video.canPublishData ?? true,
      hidden: video.hidden ?? false,
    },
  };
}

function parseFault(body) {
  const method = typeof body.method === 'string' && body.method ? body.method : '*';
  const count = body.count === undefined ? 1 : Number(body.count);
  if (!Number.isInteger(count) || count === 0 || count < -1) {
    throw new ControlError(400, 'count must be a positive integer, or -1 for every call until DELETE /_double/fail');
  }
  const fault = { method, remaining: count === -1 ? Infinity : count };
  if (body.status !== undefined) {
    const status = Number(body.status);
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new ControlError(400, 'status must be 400..599');
    fault.status = status;
  }
  if (body.code !== undefined) {
    fault.code = String(body.code);
    fault.status ??= statusForCode(fault.code);
  }
  if (body.msg !== undefined) fault.msg = String(body.msg);
  if (body.delayMs !== undefined) fault.delayMs = nonNegative(body.delayMs, 'delayMs');
  if (body.mode !== undefined) {
    if (body.mode !== 'close') throw new ControlError(400, 'mode must be "close"');
    fault.mode = 'close';
  }
  if (!fault.status && !fault.delayMs && !fault.mode) {
    throw new ControlError(400, 'give status and/or code, delayMs, or mode "close"');
  }
  return fault;
}

const SEND_OPTIONS = new Set([
  'event', 'room', 'participant', 'id', 'createdAt', 'raw', 'wait', 'signature', 'bearer',
  'contentType', 'authorization', 'url', 'queueKey',
]);

/**
 * POST /_double/webhooks/send: a WebhookEvent from loose parts (room and participant by name
 * or as objects in either JSON spelling), or `raw` bytes sent as they are.
 */
function sendCustomWebhook(state, body) {
  const auth = {
    signature: body.signature,
    bearer: Boolean(body.bearer),
    contentType: body.contentType,
    authorization: body.authorization,
    url: body.url,
  };
  if (auth.signature !== undefined &&
      !['valid', 'none', 'bad-hash', 'wrong-secret', 'wrong-key', 'expired'].includes(auth.signature)) {
    throw new ControlError(400, 'signature must be valid|none|bad-hash|wrong-secret|wrong-key|expired');
  }
  if (typeof body.raw === 'string') {
    return state.webhooks.enqueue(String(body.queueKey ?? 'default'), body.raw, {
      id: body.id ?? null,
      event: body.event ?? null,
    }, auth);
  }
  if (typeof body.event !== 'string' || !body.event) throw new ControlError(400, 'event is required (or raw)');

  const room = toRoom(state, body.room);
  const participant = toParticipant(state, room, body.participant);
  // Whatever is not one of our options is a WebhookEvent field (track, egressInfo, numDropped…).
  const rest = Object.fromEntries(Object.entries(body).filter(([k]) => !SEND_OPTIONS.has(k)));
  const { id, createdAt } = body;
  let event;
  try {
    event = WebhookEvent.fromJson(rest, { ignoreUnknownFields: true });
  } catch (err) {
    throw new ControlError(400, `bad webhook fields: ${err.message}`);
  }
  event.event = body.event;
  event.room = room;
  event.participant = participant;
  event.id = id === undefined ? newId('EV_') : String(id);
  if (createdAt !== undefined && !/^\d+$/.test(String(createdAt))) {
    throw new ControlError(400, 'createdAt must be whole seconds since the epoch');
  }
  event.createdAt = createdAt === undefined ? nowSeconds() : BigInt(createdAt);
  return state.webhooks.enqueue(String(body.queueKey ?? eventKey(event)), toWebhookJsonString(event), {
    id: event.id,
    event: event.event,
    room: room?.name,
    participant: participant?.identity,
  }, auth);
}

function toRoom(state, value) {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    const existing = state.rooms.get(value)?.room;
    if (existing) return existing.clone();
    return new Room({ sid: newId('RM_'), name: value, creationTime: nowSeconds() });
  }
  try {
    return Room.fromJson(value, { ignoreUnknownFields: true });
  } catch (err) {
    throw new ControlError(400, `bad room: ${err.message}`);
  }
}

function toParticipant(state, room, value) {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    const existing = room && state.rooms.get(room.name)?.participants.get(value);
    if (existing) return existing.clone();
    return new ParticipantInfo({
      sid: newId('PA_'),
      identity: value,
      state: ParticipantInfo_State.ACTIVE,
      joinedAt: nowSeconds(),
    });
  }
  try {
    return ParticipantInfo.fromJson(value, { ignoreUnknownFields: true });
  } catch (err) {
    throw new ControlError(400, `bad participant: ${err.message}`);
  }
}
