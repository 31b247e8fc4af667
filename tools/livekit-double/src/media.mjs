// LiveKit Ingress and Egress in the double: the livekit.Ingress and livekit.Egress Twirp methods
// (official protocol types, grants ingressAdmin / roomRecord as LiveKit checks them) and their
// state machines, driven by the test control API (an encoder connects or disconnects; an egress
// completes with a file result, fails, or is lost). State changes send the webhooks LiveKit sends:
// ingress_started / ingress_ended with ingressInfo, egress_started / egress_updated /
// egress_ended with egressInfo.
import { randomBytes } from 'node:crypto';
import {
  CreateIngressRequest,
  DeleteIngressRequest,
  EgressInfo,
  EgressStatus,
  FileInfo,
  IngressInfo,
  IngressInput,
  IngressState,
  IngressState_Status,
  ListEgressRequest,
  ListEgressResponse,
  ListIngressRequest,
  ListIngressResponse,
  RoomCompositeEgressRequest,
  SegmentsInfo,
  StopEgressRequest,
  UpdateIngressRequest,
  UpdateLayoutRequest,
} from '@livekit/protocol';
import { TwirpError } from './twirp.mjs';
import { newId, toTwirpJson } from './wire.mjs';

export const INGRESS_PREFIX = '/twirp/livekit.Ingress/';
export const EGRESS_PREFIX = '/twirp/livekit.Egress/';

const nowNs = () => BigInt(Date.now()) * 1_000_000n;
const needIngressAdmin = (video) => (video?.ingressAdmin ? null : 'ingressAdmin');
const needRoomRecord = (video) => (video?.roomRecord ? null : 'roomRecord');
const notFound = (what) => new TwirpError('not_found', `${what} not found`);

/** The ingresses and egresses of the double, with the webhooks their changes send. */
export class Media {
  /**
   * @param {(event: string, extra: object) => void} emit sends a signed webhook
   * @param {object} [options]
   * @param {string} [options.rtmpUrl] the RTMP URL ingresses answer
   * @param {string} [options.whipUrl] the WHIP URL ingresses answer
   * @param {number} [options.stopCompletesAfterMs] a stopped egress completes after this (default 50)
   */
  constructor(emit, options = {}) {
    this.emit = emit;
    this.rtmpUrl = options.rtmpUrl ?? 'rtmp://127.0.0.1:1935/x';
    this.whipUrl = options.whipUrl ?? 'http://127.0.0.1:8080/w';
    this.stopCompletesAfterMs = options.stopCompletesAfterMs ?? 50;
    this.ingresses = new Map();
    this.egresses = new Map();
    this.timers = new Set();
  }

  clear() {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.ingresses.clear();
    this.egresses.clear();
  }

  later(fn, ms) {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  // --- ingress ---

  createIngress(req) {
    if (!req.roomName) throw new TwirpError('invalid_argument', 'room_name is required');
    if (!req.participantIdentity) throw new TwirpError('invalid_argument', 'participant_identity is required');
    if (req.inputType === IngressInput.URL_INPUT) throw new TwirpError('invalid_argument', 'URL input is not simulated');
    if (req.inputType === IngressInput.RTMP_INPUT && req.enableTranscoding === false) {
      throw new TwirpError('invalid_argument', 'transcoding can only be disabled for WHIP');
    }
    const info = new IngressInfo({
      ingressId: newId('IN_'),
      name: req.name,
      streamKey: randomBytes(18).toString('base64url'),
      url: req.inputType === IngressInput.WHIP_INPUT ? this.whipUrl : this.rtmpUrl,
      inputType: req.inputType,
      enableTranscoding: req.enableTranscoding,
      roomName: req.roomName,
      participantIdentity: req.participantIdentity,
      participantName: req.participantName,
      participantMetadata: req.participantMetadata,
      reusable: req.inputType === IngressInput.RTMP_INPUT,
      state: new IngressState({ status: IngressState_Status.ENDPOINT_INACTIVE }),
    });
    this.ingresses.set(info.ingressId, info);
    return info;
  }

  ingress(id) {
    const info = this.ingresses.get(id);
    if (!info) throw notFound('ingress');
    return info;
  }

  /** An encoder connects: buffering (optional), then publishing; ingress_started each time. */
  connect(id, { buffering = false } = {}) {
    const info = this.ingress(id);
    const active = [IngressState_Status.ENDPOINT_BUFFERING, IngressState_Status.ENDPOINT_PUBLISHING];
    if (active.includes(info.state.status)) throw new TwirpError('failed_precondition', 'an encoder is connected already');
    const startedAt = nowNs();
    info.state = new IngressState({
      status: buffering ? IngressState_Status.ENDPOINT_BUFFERING : IngressState_Status.ENDPOINT_PUBLISHING,
      startedAt,
      updatedAt: startedAt,
      roomId: '',
      resourceId: newId('RS_'),
    });
    this.emit('ingress_started', { ingressInfo: info.clone() });
    return info;
  }

  /** A buffering encoder starts publishing (same session). */
  publish(id) {
    const info = this.ingress(id);
    if (info.state.status !== IngressState_Status.ENDPOINT_BUFFERING) {
      throw new TwirpError('failed_precondition', 'the ingress is not buffering');
    }
    info.state.status = IngressState_Status.ENDPOINT_PUBLISHING;
    info.state.updatedAt = nowNs();
    this.emit('ingress_started', { ingressInfo: info.clone() });
    return info;
  }

  /** The encoder disconnects (or fails with `error`): ingress_ended. */
  disconnect(id, { error = '' } = {}) {
    const info = this.ingress(id);
    info.state.status = error ? IngressState_Status.ENDPOINT_ERROR : IngressState_Status.ENDPOINT_INACTIVE;
    info.state.error = error;
    info.state.endedAt = nowNs();
    info.state.updatedAt = info.state.endedAt;
    this.emit('ingress_ended', { ingressInfo: info.clone() });
    return info;
  }

  deleteIngress(id) {
    const info = this.ingress(id);
    const active = [IngressState_Status.ENDPOINT_BUFFERING, IngressState_Status.ENDPOINT_PUBLISHING];
    if (active.includes(info.state.status)) this.disconnect(id);
    this.ingresses.delete(id);
    return info;
  }

  // --- egress ---

  startRoomComposite(req, rooms) {
    if (!req.roomName) throw new TwirpError('invalid_argument', 'room_name is required');
    const room = rooms.get(req.roomName);
    if (!room) throw notFound('room');
    const outputs = req.fileOutputs.length + req.segmentOutputs.length + req.streamOutputs.length +
      req.imageOutputs.length + (req.output?.case ? 1 : 0);
    if (outputs === 0) throw new TwirpError('invalid_argument', 'no outputs');
    const startedAt = nowNs();
    const info = new EgressInfo({
      egressId: newId('EG_'),
      roomId: room.room.sid,
      roomName: req.roomName,
      status: EgressStatus.EGRESS_STARTING,
      updatedAt: startedAt,
      request: { case: 'roomComposite', value: req },
    });
    this.egresses.set(info.egressId, info);
    // The recorder joins and starts writing a moment later: egress_started (active).
    this.later(() => {
      if (info.status !== EgressStatus.EGRESS_STARTING) return;
      info.status = EgressStatus.EGRESS_ACTIVE;
      info.startedAt = nowNs();
      info.updatedAt = info.startedAt;
      this.emit('egress_started', { egressInfo: info.clone() });
    }, 10);
    return info.clone();
  }

  egress(id) {
    const info = this.egresses.get(id);
    if (!info) throw notFound('egress');
    return info;
  }

  static active(info) {
    return [EgressStatus.EGRESS_STARTING, EgressStatus.EGRESS_ACTIVE, EgressStatus.EGRESS_ENDING].includes(info.status);
  }

  stopEgress(id) {
    const info = this.egress(id);
    if (!Media.active(info)) throw new TwirpError('failed_precondition', 'egress is not active');
    info.status = EgressStatus.EGRESS_ENDING;
    info.updatedAt = nowNs();
    this.emit('egress_updated', { egressInfo: info.clone() });
    this.later(() => {
      if (info.status === EgressStatus.EGRESS_ENDING) this.complete(id);
    }, this.stopCompletesAfterMs);
    return info.clone();
  }

  /** The egress finishes writing: complete, with file (and segment) results. */
  complete(id, { location, durationMs, size } = {}) {
    const info = this.egress(id);
    if (!Media.active(info)) throw new TwirpError('failed_precondition', 'egress is not active');
    const endedAt = nowNs();
    if (info.startedAt === 0n) info.startedAt = endedAt - 1_000_000_000n;
    const duration = durationMs !== undefined ? BigInt(durationMs) * 1_000_000n : endedAt - info.startedAt;
    const req = info.request.value;
    const file = req.fileOutputs[0];
    if (file || location) {
      const filename = file?.filepath || `${info.roomName}-${info.egressId}.mp4`;
      info.fileResults = [new FileInfo({
        filename,
        startedAt: info.startedAt,
        endedAt,
        duration,
        size: BigInt(size ?? 1_048_576),
        location: location ?? (file?.output?.case === 's3'
          ? `https://${file.output.value.bucket}.s3.amazonaws.com/${filename}` : filename),
      })];
    }
    const seg = req.segmentOutputs[0];
    if (seg) {
      info.segmentResults = [new SegmentsInfo({
        playlistName: seg.playlistName,
        playlistLocation: seg.playlistName,
        duration,
        size: BigInt(size ?? 1_048_576),
        segmentCount: BigInt(Math.max(1, Number(duration / 6_000_000_000n))),
        startedAt: info.startedAt,
        endedAt,
      })];
    }
    info.status = EgressStatus.EGRESS_COMPLETE;
    info.endedAt = endedAt;
    info.updatedAt = endedAt;
    this.emit('egress_ended', { egressInfo: info.clone() });
    return info;
  }

  fail(id, { error = 'egress failed' } = {}) {
    const info = this.egress(id);
    if (!Media.active(info)) throw new TwirpError('failed_precondition', 'egress is not active');
    info.status = EgressStatus.EGRESS_FAILED;
    info.error = error;
    info.endedAt = nowNs();
    info.updatedAt = info.endedAt;
    this.emit('egress_ended', { egressInfo: info.clone() });
    return info;
  }

  /** The room closed: its running egresses complete (what they recorded so far). */
  roomClosed(roomName) {
    for (const info of this.egresses.values()) {
      if (info.roomName === roomName && Media.active(info)) this.complete(info.egressId);
    }
  }

  /** LiveKit loses the egress (an egress node died): gone from lists, no webhook. */
  forget(id) {
    this.egress(id);
    this.egresses.delete(id);
  }
}

/** livekit.Ingress: request type, grant check, behaviour. */
export const INGRESS_METHODS = {
  CreateIngress: {
    Request: CreateIngressRequest,
    grant: needIngressAdmin,
    handle: (state, req) => state.media.createIngress(req),
  },
  UpdateIngress: {
    Request: UpdateIngressRequest,
    grant: needIngressAdmin,
    handle(state, req) {
      const info = state.media.ingress(req.ingressId);
      if (req.name) info.name = req.name;
      if (req.roomName) info.roomName = req.roomName;
      if (req.participantIdentity) info.participantIdentity = req.participantIdentity;
      if (req.participantName) info.participantName = req.participantName;
      return info;
    },
  },
  ListIngress: {
    Request: ListIngressRequest,
    grant: needIngressAdmin,
    handle(state, req) {
      const items = [...state.media.ingresses.values()].filter((i) =>
        (!req.roomName || i.roomName === req.roomName) && (!req.ingressId || i.ingressId === req.ingressId));
      return new ListIngressResponse({ items });
    },
  },
  DeleteIngress: {
    Request: DeleteIngressRequest,
    grant: needIngressAdmin,
    handle: (state, req) => state.media.deleteIngress(req.ingressId),
  },
};

/** livekit.Egress: the room composite and the calls on a running egress. */
export const EGRESS_METHODS = {
  StartRoomCompositeEgress: {
    Request: RoomCompositeEgressRequest,
    grant: needRoomRecord,
    handle: (state, req) => state.media.startRoomComposite(req, state.rooms),
  },
  StopEgress: {
    Request: StopEgressRequest,
    grant: needRoomRecord,
    handle: (state, req) => state.media.stopEgress(req.egressId),
  },
  ListEgress: {
    Request: ListEgressRequest,
    grant: needRoomRecord,
    handle(state, req) {
      const items = [...state.media.egresses.values()].filter((e) =>
        (!req.roomName || e.roomName === req.roomName) && (!req.egressId || e.egressId === req.egressId) &&
        (!req.active || Media.active(e)));
      return new ListEgressResponse({ items });
    },
  },
  UpdateLayout: {
    Request: UpdateLayoutRequest,
    grant: needRoomRecord,
    handle(state, req) {
      const info = state.media.egress(req.egressId);
      if (info.request.case === 'roomComposite') info.request.value.layout = req.layout;
      return info;
    },
  },
};

/** Control routes: [method, pattern, handler(state, params, body)] → [status, message or json]. */
const MEDIA_CONTROL_ROUTES = [
  ['GET', /^\/_double\/ingress$/, (s) => [200, [...s.media.ingresses.values()]]],
  ['POST', /^\/_double\/ingress\/([^/]+)\/connect$/, (s, [id], body) => [200, s.media.connect(id, { buffering: !!body.buffering })]],
  ['POST', /^\/_double\/ingress\/([^/]+)\/publish$/, (s, [id]) => [200, s.media.publish(id)]],
  ['POST', /^\/_double\/ingress\/([^/]+)\/disconnect$/, (s, [id], body) => [200, s.media.disconnect(id, { error: body.error ? String(body.error) : '' })]],
  ['GET', /^\/_double\/egress$/, (s) => [200, [...s.media.egresses.values()]]],
  ['POST', /^\/_double\/egress\/([^/]+)\/complete$/, (s, [id], body) => [200, s.media.complete(id, body)]],
  ['POST', /^\/_double\/egress\/([^/]+)\/fail$/, (s, [id], body) => [200, s.media.fail(id, { error: body.error ? String(body.error) : undefined })]],
  ['POST', /^\/_double\/egress\/([^/]+)\/forget$/, (s, [id]) => {
    s.media.forget(id);
    return [200, { forgotten: id }];
  }],
];

const view = (v) => (Array.isArray(v) ? v.map(view) : typeof v?.getType === 'function' ? toTwirpJson(v) : v);

/**
 * Answers a /_double/ingress… or /_double/egress… request; false when the path is not one.
 * Errors of the state machines keep their Twirp status (404 unknown id, 412 wrong state).
 */
export function handleMediaControl(state, req, res, raw) {
  const path = req.url.split('?', 1)[0];
  const routes = MEDIA_CONTROL_ROUTES.filter(([, pattern]) => pattern.test(path));
  if (routes.length === 0) return false;
  const send = (status, value) => {
    const body = JSON.stringify(value);
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
      'Access-Control-Allow-Origin': '*',
    });
    res.end(body);
  };
  const route = routes.find(([method]) => method === req.method);
  if (!route) {
    send(405, { error: `no control endpoint ${req.method} ${path}` });
    return true;
  }
  let body = {};
  try {
    if (raw.length > 0) body = JSON.parse(raw.toString('utf8'));
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('body must be a JSON object');
  } catch (err) {
    send(400, { error: `malformed JSON: ${err.message}` });
    return true;
  }
  try {
    const [status, value] = route[2](state, route[1].exec(path).slice(1).map(decodeURIComponent), body);
    send(status, view(value));
  } catch (err) {
    if (!(err instanceof TwirpError)) throw err;
    send(err.status, { error: err.message, code: err.code });
  }
  return true;
}
