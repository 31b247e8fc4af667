// Writes signed participant_joined webhooks for the benchmark: `node gen_webhooks.mjs <room> <count> <files> <prefix>`
// → <prefix>.1 … <prefix>.<files>, lines "authorization<TAB>body". Signed like LiveKit (HS256,
// iss = API key, sha256 = base64 SHA-256 of the body) with plain node:crypto for speed.
import { createHash, createHmac } from 'node:crypto';
import { createWriteStream } from 'node:fs';

const [room, count, files, prefix] = process.argv.slice(2);
const key = process.env.LIVEKIT_API_KEY ?? 'devkey';
const secret = process.env.LIVEKIT_API_SECRET ?? 'secret';
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const header = b64({ alg: 'HS256', typ: 'JWT' });
const now = Math.floor(Date.now() / 1000);
const per = Math.ceil(Number(count) / Number(files));
for (let f = 1; f <= Number(files); f++) {
  const out = createWriteStream(`${prefix}.${f}`);
  for (let i = 0; i < per; i++) {
    const n = `${f}-${i}`;
    const body = JSON.stringify({
      event: 'participant_joined', id: `EV_bench_${n}`, createdAt: String(now),
      room: { sid: 'RM_bench', name: room, creationTime: String(now) },
      participant: { sid: `PA_bench_${n}`, identity: `wh-${n}`, name: `W ${n}`, state: 'ACTIVE', joinedAt: String(now) },
    });
    const payload = b64({ iss: key, nbf: now - 10, exp: now + 3600, sha256: createHash('sha256').update(body).digest('base64') });
    const sig = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
    if (!out.write(`${header}.${payload}.${sig}\t${body}\n`)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}
