// LiveKit's RoomService over Twirp: bearer-token auth and per-method grants, protojson
// requests (either spelling), snake_case responses with defaults, Twirp JSON errors.
import {
  CreateRoomRequest,
  DeleteRoomRequest,
  DeleteRoomResponse,
  DisconnectReason,
  ListParticipantsRequest,
  ListParticipantsResponse,
  ListRoomsRequest,
  ListRoomsResponse,
  MuteRoomTrackRequest,
  MuteRoomTrackResponse,
  ParticipantPermission,
  RemoveParticipantResponse,
  RoomParticipantIdentity,
  SendDataRequest,
  SendDataResponse,
  UpdateParticipantRequest,
  UpdateRoomMetadataRequest,
} from '@livekit/protocol';
import { fromRequestJson, toTwirpJson } from './wire.mjs';

export const TWIRP_PREFIX = '/twirp/livekit.RoomService/';

// Twirp's code → HTTP status table (twirp/errors.go).
const TWIRP_STATUS = {
  canceled: 408,
  invalid_argument: 400,
  malformed: 400,
  deadline_exceeded: 408,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  permission_denied: 403,
  unauthenticated: 401,
  resource_exhausted: 429,
  failed_precondition: 412,
  aborted: 409,
  out_of_range: 400,
  unimplemented: 501,
  internal: 500,
  unknown: 500,
  unavailable: 503,
  dataloss: 500,
};

export function statusForCode(code) {
  return TWIRP_STATUS[code] ?? 500;
}

export function codeForStatus(status) {
  for (const [code, s] of Object.entries(TWIRP_STATUS)) if (s === status) return code;
  return status >= 500 ? 'internal' : 'unknown';
}

export class TwirpError extends Error {
  constructor(code, msg) {
    super(msg);
    this.code = code;
    this.status = statusForCode(code);
  }
}

const notFound = (what) => new TwirpError('not_found', `${what} not found`);

function requireField(value, name) {
  if (!value) throw new TwirpError('invalid_argument', `${name} is required`);
}

// Which grant each call needs, as LiveKit's EnsureCreatePermission / EnsureListPermission /
// EnsureAdminPermission check them.
const needCreate = (video) => (video?.roomCreate ? null : 'roomCreate');
const needList = (video) => (video?.roomList ? null : 'roomList');
const needAdmin = (video, req) => {
  if (!video?.roomAdmin) return 'roomAdmin';
  if (video.room !== req.room) return `roomAdmin for room "${req.room}"`;
  return null;
};

/** The RoomService methods: request type, grant check, and behaviour against Rooms. */
export const METHODS = {
  CreateRoom: {
    Request: CreateRoomRequest,
    grant: needCreate,
    handle(rooms, req) {
      requireField(req.name, 'name');
      return rooms.create({
        name: req.name,
        emptyTimeout: req.emptyTimeout,
        departureTimeout: req.departureTimeout,
        maxParticipants: req.maxParticipants,
        metadata: req.metadata,
      }).room;
    },
  },
  ListRooms: {
    Request: ListRoomsRequest,
    grant: needList,
    handle(rooms, req) {
      return new ListRoomsResponse({ rooms: rooms.list(req.names) });
    },
  },
  DeleteRoom: {
    Request: DeleteRoomRequest,
    grant: needCreate,
    handle(rooms, req) {
      requireField(req.room, 'room');
      if (!rooms.close(req.room, DisconnectReason.ROOM_DELETED)) throw notFound('room');
      return new DeleteRoomResponse();
    },
  },
  ListParticipants: {
    Request: ListParticipantsRequest,
    grant: needAdmin,
    // LiveKit's store answers an empty list for a room it does not know.
    handle(rooms, req) {
      const entry = rooms.get(req.room);
      return new ListParticipantsResponse({ participants: entry ? [...entry.participants.values()] : [] });
    },
  },
  GetParticipant: {
    Request: RoomParticipantIdentity,
    grant: needAdmin,
    handle(rooms, req) {
      const p = rooms.get(req.room)?.participants.get(req.identity);
      if (!p) throw notFound('participant');
      return p;
    },
  },
  RemoveParticipant: {
    Request: RoomParticipantIdentity,
    grant: needAdmin,
    handle(rooms, req) {
      if (!rooms.leave(req.room, req.identity, { reason: DisconnectReason.PARTICIPANT_REMOVED })) {
        throw notFound('participant');
      }
      return new RemoveParticipantResponse();
    },
  },
  UpdateParticipant: {
    Request: UpdateParticipantRequest,
    grant: needAdmin,
    handle(rooms, req) {
      const p = rooms.get(req.room)?.participants.get(req.identity);
      if (!p) throw notFound('participant');
      // Empty strings mean "unchanged" in LiveKit's UpdateParticipant; an attribute set to
      // "" is deleted.
      if (req.metadata) p.metadata = req.metadata;
      if (req.name) p.name = req.name;
      if (req.permission) rooms.setPermission(req.room, req.identity, req.permission);
      for (const [k, v] of Object.entries(req.attributes ?? {})) {
        if (v === '') delete p.attributes[k];
        else p.attributes[k] = v;
      }
      return p;
    },
  },
  MutePublishedTrack: {
    Request: MuteRoomTrackRequest,
    grant: needAdmin,
    handle(rooms, req) {
      const p = rooms.get(req.room)?.participants.get(req.identity);
      if (!p) throw notFound('participant');
      const track = p.tracks.find((t) => t.sid === req.trackSid);
      if (!track) throw notFound('track');
      track.muted = req.muted;
      return new MuteRoomTrackResponse({ track });
    },
  },
  UpdateRoomMetadata: {
    Request: UpdateRoomMetadataRequest,
    grant: needAdmin,
    handle(rooms, req) {
      const entry = rooms.get(req.room);
      if (!entry) throw notFound('room');
      entry.room.metadata = req.metadata;
      return entry.room;
    },
  },
  SendData: {
    Request: SendDataRequest,
    grant: needAdmin,
    handle(rooms, req) {
      if (!rooms.get(req.room)) throw notFound('room');
      return new SendDataResponse();
    },
  },
};

/**
 * Decode a request body by content type. Twirp ignores content-type parameters
 * (`application/json;charset=UTF-8` is what the JS SDK sends).
 * Returns { message, json } where json is what the call log shows.
 */
export function decodeRequest(Request, contentType, raw) {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json') {
    let json;
    try {
      json = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
    } catch {
      throw new TwirpError('malformed', 'the json request could not be decoded');
    }
    try {
      return { message: fromRequestJson(Request, json), json, binary: false };
    } catch (err) {
      throw new TwirpError('malformed', `the json request could not be decoded: ${err.message}`);
    }
  }
  if (type === 'application/protobuf') {
    try {
      const message = Request.fromBinary(raw);
      return { message, json: message.toJson(), binary: true };
    } catch (err) {
      throw new TwirpError('malformed', `the protobuf request could not be decoded: ${err.message}`);
    }
  }
  throw new TwirpError('bad_route', `unexpected Content-Type: "${contentType ?? ''}"`);
}

export function encodeResponse(message, binary) {
  if (binary) return { contentType: 'application/protobuf', body: Buffer.from(message.toBinary()) };
  return { contentType: 'application/json', body: JSON.stringify(toTwirpJson(message)) };
}
