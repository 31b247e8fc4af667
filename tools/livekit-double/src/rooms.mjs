// In-memory rooms and participants of the double, and the webhook events each change
// causes, in the order a LiveKit server would send them.
import {
  DisconnectReason,
  ParticipantInfo,
  ParticipantInfo_Kind,
  ParticipantInfo_State,
  ParticipantPermission,
  Room,
  TrackInfo,
  TrackSource,
  TrackType,
} from '@livekit/protocol';
import { newId, nowSeconds } from './wire.mjs';

// LiveKit's defaults when CreateRoom leaves these at zero (config.yaml `room:` section).
const DEFAULT_EMPTY_TIMEOUT = 300;
const DEFAULT_DEPARTURE_TIMEOUT = 20;

export class Rooms {
  /**
   * @param {(event: string, room: Room, participant?: ParticipantInfo) => void} notify
   *   called for every webhook-worthy change, synchronously and in causal order.
   */
  constructor(notify, { enforceTimeouts = false } = {}) {
    this.notify = notify;
    // Off by default: tests decide when rooms end (/end). On, rooms close the way LiveKit
    // closes them: emptyTimeout seconds after creation if nobody came, departureTimeout
    // seconds after the last participant left.
    this.enforceTimeouts = enforceTimeouts;
    /** @type {Map<string, {room: Room, participants: Map<string, ParticipantInfo>, timer?: NodeJS.Timeout}>} */
    this.byName = new Map();
  }

  scheduleClose(entry, seconds) {
    if (!this.enforceTimeouts) return;
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      if (this.byName.get(entry.room.name) === entry && entry.participants.size === 0) {
        this.close(entry.room.name, DisconnectReason.ROOM_CLOSED);
      }
    }, seconds * 1000);
    entry.timer.unref();
  }

  get(name) {
    return this.byName.get(name);
  }

  list(names) {
    const entries = names && names.length > 0
      ? names.map((n) => this.byName.get(n)).filter(Boolean)
      : [...this.byName.values()];
    return entries.map((e) => e.room);
  }

  /** CreateRoom: an existing room is returned unchanged (LiveKit ignores the new options). */
  create({ name, emptyTimeout = 0, departureTimeout = 0, maxParticipants = 0, metadata = '' }) {
    const existing = this.byName.get(name);
    if (existing) return { room: existing.room, created: false };
    const now = Date.now();
    const room = new Room({
      sid: newId('RM_'),
      name,
      emptyTimeout: emptyTimeout || DEFAULT_EMPTY_TIMEOUT,
      departureTimeout: departureTimeout || DEFAULT_DEPARTURE_TIMEOUT,
      maxParticipants,
      creationTime: BigInt(Math.floor(now / 1000)),
      creationTimeMs: BigInt(now),
      metadata,
    });
    const entry = { room, participants: new Map() };
    this.byName.set(name, entry);
    this.notify('room_started', room);
    this.scheduleClose(entry, room.emptyTimeout);
    return { room, created: true };
  }

  /** A participant connects. Rejoining with a taken identity replaces the old session. */
  join(roomName, { identity, name = '', metadata = '', attributes = {}, permission }) {
    let entry = this.byName.get(roomName);
    if (!entry) {
      this.create({ name: roomName });
      entry = this.byName.get(roomName);
    }
    if (entry.participants.has(identity)) {
      this.leave(roomName, identity, { reason: DisconnectReason.DUPLICATE_IDENTITY });
    }
    const now = Date.now();
    const participant = new ParticipantInfo({
      sid: newId('PA_'),
      identity,
      name,
      metadata,
      attributes,
      state: ParticipantInfo_State.ACTIVE,
      joinedAt: BigInt(Math.floor(now / 1000)),
      joinedAtMs: BigInt(now),
      kind: ParticipantInfo_Kind.STANDARD,
      permission: new ParticipantPermission(permission ?? {
        canSubscribe: true,
        canPublish: true,
        canPublishData: true,
      }),
    });
    clearTimeout(entry.timer);
    entry.participants.set(identity, participant);
    entry.room.numParticipants = entry.participants.size;
    this.notify('participant_joined', entry.room, participant);
    return participant;
  }

  /**
   * A participant goes away. `aborted` is a connection that never completed (LiveKit's
   * participant_connection_aborted). Returns the participant, or undefined if unknown.
   */
  leave(roomName, identity, { reason = DisconnectReason.CLIENT_INITIATED, aborted = false } = {}) {
    const entry = this.byName.get(roomName);
    const participant = entry?.participants.get(identity);
    if (!participant) return undefined;
    entry.participants.delete(identity);
    entry.room.numParticipants = entry.participants.size;
    participant.state = ParticipantInfo_State.DISCONNECTED;
    participant.disconnectReason = reason;
    this.notify(aborted ? 'participant_connection_aborted' : 'participant_left', entry.room, participant);
    if (entry.participants.size === 0 && reason !== DisconnectReason.ROOM_DELETED && reason !== DisconnectReason.ROOM_CLOSED) {
      this.scheduleClose(entry, entry.room.departureTimeout);
    }
    return participant;
  }

  /**
   * A simulated participant publishes a track (`type` AUDIO or VIDEO): track_published, as
   * LiveKit sends it once the track is up. Refused (undefined) when the participant's
   * permission does not allow publishing, as LiveKit refuses it.
   */
  publish(roomName, identity, { type = 'AUDIO', name = '' } = {}) {
    const entry = this.byName.get(roomName);
    const participant = entry?.participants.get(identity);
    if (!participant) return undefined;
    if (!participant.permission?.canPublish) return null;
    const video = type === 'VIDEO';
    const track = new TrackInfo({
      sid: newId('TR_'),
      type: video ? TrackType.VIDEO : TrackType.AUDIO,
      name: name || (video ? 'camera' : 'microphone'),
      source: video ? TrackSource.CAMERA : TrackSource.MICROPHONE,
      muted: false,
    });
    participant.tracks.push(track);
    this.notify('track_published', entry.room, participant, { track: track.clone() });
    return track;
  }

  /** The track goes away: track_unpublished. Returns the track, or undefined if unknown. */
  unpublish(roomName, identity, trackSid) {
    const entry = this.byName.get(roomName);
    const participant = entry?.participants.get(identity);
    const i = participant ? participant.tracks.findIndex((t) => t.sid === trackSid) : -1;
    if (i < 0) return undefined;
    const [track] = participant.tracks.splice(i, 1);
    this.notify('track_unpublished', entry.room, participant, { track: track.clone() });
    return track;
  }

  /**
   * A permission change (UpdateParticipant): when publishing is revoked, LiveKit unpublishes the
   * participant's tracks.
   */
  setPermission(roomName, identity, permission) {
    const entry = this.byName.get(roomName);
    const participant = entry?.participants.get(identity);
    if (!participant) return undefined;
    participant.permission = new ParticipantPermission(permission);
    if (!participant.permission.canPublish) {
      for (const track of [...participant.tracks]) this.unpublish(roomName, identity, track.sid);
    }
    return participant;
  }

  /** The room closes (DeleteRoom, or LiveKit ending it): everyone leaves, then room_finished. */
  close(roomName, reason = DisconnectReason.ROOM_DELETED) {
    const entry = this.byName.get(roomName);
    if (!entry) return false;
    for (const identity of [...entry.participants.keys()]) {
      this.leave(roomName, identity, { reason });
    }
    clearTimeout(entry.timer);
    this.byName.delete(roomName);
    this.notify('room_finished', entry.room);
    return true;
  }

  /** Forget a room without any webhook: LiveKit lost it and said nothing. */
  drop(roomName) {
    clearTimeout(this.byName.get(roomName)?.timer);
    return this.byName.delete(roomName);
  }

  clear() {
    for (const entry of this.byName.values()) clearTimeout(entry.timer);
    this.byName.clear();
  }
}
