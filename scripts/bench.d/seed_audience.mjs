// Seeds a livestream's audience for the analytics benchmark: `node seed_audience.mjs <base> <room>
// <sessions>` posts a signed participant_joined and then a participant_left for each of
// <sessions> viewer sessions (64 requests in flight), as LiveKit would deliver them.
import { createHash, createHmac } from 'node:crypto';

const [base, room, count] = process.argv.slice(2);
const key = process.env.LIVEKIT_API_KEY ?? 'devkey';
const secret = process.env.LIVEKIT_API_SECRET ?? 'secret';
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const header = b64({ alg: 'HS256', typ: 'JWT' });
const now = Math.floor(Date.now() / 1000);

function signed(event, n) {
  const body = JSON.stringify({
    event, id: `EV_aud_${event}_${n}`, createdAt: String(now),
    room: { sid: 'RM_aud', name: room, creationTime: String(now) },
    participant: { sid: `PA_aud_${n}`, identity: `aud-${n % 50000}`, name: `A ${n}`, state: 'ACTIVE', joinedAt: String(now) },
  });
  const payload = b64({ iss: key, nbf: now - 10, exp: now + 3600, sha256: createHash('sha256').update(body).digest('base64') });
  const sig = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return { body, auth: `${header}.${payload}.${sig}` };
}

async function post(event, n) {
  const { body, auth } = signed(event, n);
  for (;;) {
    const r = await fetch(`${base}/api/v1/webhooks/livekit`, {
      method: 'POST', headers: { 'content-type': 'application/webhook+json', authorization: auth }, body,
    });
    await r.arrayBuffer();
    if (r.status === 200) return;
    await new Promise((res) => setTimeout(res, 100));  // retried, as LiveKit does
  }
}

async function phase(event) {
  let next = 0;
  const total = Number(count);
  await Promise.all(Array.from({ length: 64 }, async () => {
    for (let n = next++; n < total; n = next++) await post(event, n);
  }));
}

// Two sessions per viewer on average (50,000 identities): joins of one batch of sessions, leaves
// of the first, and so on, so sessions end while others run.
await phase('participant_joined');
await phase('participant_left');
