// Entry point (`npm start`): runs the LiveKit double from environment variables until
// SIGINT/SIGTERM. See README.md for the variables and endpoints.
import { startDouble } from './double.mjs';

function intFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    // A wrong value must stop the start, not silently fall back.
    console.error(`livekit-double: ${name} must be a non-negative integer, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

function boolFromEnv(name) {
  const raw = (process.env[name] ?? '').toLowerCase();
  if (['', '0', 'false', 'no', 'off'].includes(raw)) return false;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  console.error(`livekit-double: ${name} must be 1/true or 0/false, got "${process.env[name]}"`);
  process.exit(2);
}

const verbose = !['', '0', 'false', 'quiet', 'off'].includes((process.env.LOG ?? '').toLowerCase());
const host = process.env.HOST || '127.0.0.1';

let double;
try {
  double = await startDouble({
    port: intFromEnv('PORT', 7880),
    host,
    apiKey: process.env.LIVEKIT_API_KEY || 'devkey',
    apiSecret: process.env.LIVEKIT_API_SECRET || 'secret',
    webhookUrl: process.env.WEBHOOK_URL || undefined,
    webhookRetryBaseMs: intFromEnv('WEBHOOK_RETRY_BASE_MS', 1000),
    webhookRetryMaxMs: intFromEnv('WEBHOOK_RETRY_MAX_MS', 30_000),
    webhookTimeoutMs: intFromEnv('WEBHOOK_TIMEOUT_MS', 10_000),
    webhookMaxQueueDepth: intFromEnv('WEBHOOK_MAX_QUEUE_DEPTH', 0),
    webhookMaxQueueAgeMs: intFromEnv('WEBHOOK_MAX_QUEUE_AGE_MS', 0),
    historyLimit: intFromEnv('HISTORY_LIMIT', 10_000),
    enforceRoomTimeouts: boolFromEnv('ENFORCE_ROOM_TIMEOUTS'),
    rtmpUrl: process.env.INGRESS_RTMP_URL || undefined,
    whipUrl: process.env.INGRESS_WHIP_URL || undefined,
    log: verbose,
  });
} catch (err) {
  console.error(`livekit-double: cannot listen on ${host}:${process.env.PORT || 7880}: ${err.message}`);
  process.exit(1);
}

console.log(`LiveKit double listening on ${double.url} (simulated media server — no video)`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await double.close();
    process.exit(0);
  });
}
