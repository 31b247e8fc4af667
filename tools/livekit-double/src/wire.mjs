// Wire formats of the double: protobuf JSON the way LiveKit's Go server writes it, and
// LiveKit-style ids. All (de)serialization goes through @livekit/protocol's message classes.
import { randomBytes } from 'node:crypto';

// LiveKit's Twirp server (twirp v8, Go protojson) answers with UseProtoNames and
// EmitUnpopulated: snake_case keys, every scalar/enum/list/map field present with its
// default, 64-bit integers as strings, enums by name, and `null` for unset singular
// message fields. protobuf-es's emitDefaultValues omits unset message fields, so the nulls
// are added here: a client must cope with them against the real server too.
const TWIRP_JSON = { useProtoFieldName: true, emitDefaultValues: true };

export function toTwirpJson(message) {
  const json = message.toJson(TWIRP_JSON);
  addUnsetMessageNulls(json, message.getType());
  return json;
}

function addUnsetMessageNulls(json, type) {
  if (json === null || typeof json !== 'object') return;
  for (const field of type.fields.list()) {
    const key = field.name;
    if (field.kind === 'message') {
      const nested = field.T;
      // Well-known types have their own JSON form (Timestamp as string, …): leave them.
      const wellKnown = nested.typeName.startsWith('google.protobuf.');
      if (field.repeated) {
        if (!wellKnown && Array.isArray(json[key])) {
          for (const item of json[key]) addUnsetMessageNulls(item, nested);
        }
      } else if (json[key] === undefined) {
        // Go's EmitUnpopulated skips unset oneof members (proto3 `optional` included).
        if (!field.oneof && !field.opt) json[key] = null;
      } else if (!wellKnown) {
        addUnsetMessageNulls(json[key], nested);
      }
    } else if (field.kind === 'map' && field.V.kind === 'message' && json[key]) {
      for (const value of Object.values(json[key])) addUnsetMessageNulls(value, field.V.T);
    }
  }
}

// Requests: protojson with DiscardUnknown, i.e. both spellings of a field name and unknown
// fields ignored (what LiveKit's server accepts).
export function fromRequestJson(Type, json) {
  return Type.fromJson(json ?? {}, { ignoreUnknownFields: true });
}

// Webhook bodies: LiveKit marshals WebhookEvent with default protojson options
// (camelCase, unset and default fields omitted, int64 as strings). protobuf-es's toJson()
// defaults are the same mapping.
export function toWebhookJsonString(event) {
  return JSON.stringify(event.toJson());
}

// LiveKit ids are a prefix plus 12 characters of a base57 short UUID (RM_, PA_, EV_, TR_).
const BASE57 = '23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

// Random bytes are drawn in blocks: one syscall per id was a visible cost at thousands of
// rooms and webhooks per second.
let pool = Buffer.alloc(0);
let poolOffset = 0;

export function newId(prefix) {
  if (poolOffset + 12 > pool.length) {
    pool = randomBytes(12 * 1024);
    poolOffset = 0;
  }
  let id = prefix;
  for (let i = 0; i < 12; i++) id += BASE57[pool[poolOffset + i] % 57];
  poolOffset += 12;
  return id;
}

export function nowSeconds() {
  return BigInt(Math.floor(Date.now() / 1000));
}
