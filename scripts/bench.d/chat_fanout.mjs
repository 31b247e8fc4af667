// Chat fan-out benchmark: holds N idle SSE connections on one livestream (spread over child
// processes, each with its own file-descriptor budget), posts one chat message and reports when
// the first and the last subscriber received its `chat_message` frame, measured from the POST.
// Usage: node chat_fanout.mjs <baseUrl> <livestreamId> <connections> <processes>
import { fork } from 'node:child_process';
import net from 'node:net';

const now = () => performance.timeOrigin + performance.now();

if (process.argv[2] === 'child') {
  const [, , , host, port, id, count] = process.argv;
  let connected = 0;
  const arrivals = [];
  for (let i = 0; i < Number(count); i++) {
    const s = net.connect(Number(port), host);
    let buf = '';
    let seen = false;
    s.setNoDelay(true);
    s.on('connect', () => s.write(`GET /api/v1/livestreams/${id}/events HTTP/1.1\r\nHost: ${host}\r\n\r\n`));
    s.on('data', (d) => {
      buf += d;
      if (!seen && buf.includes('event: state')) {
        seen = true;
        buf = '';
        if (++connected === Number(count)) process.send({ connected });
      } else if (buf.includes('event: chat_message')) {
        arrivals.push(now());
        buf = '';
        if (arrivals.length === Number(count)) process.send({ first: Math.min(...arrivals), last: Math.max(...arrivals) });
      } else if (buf.length > 4096) buf = buf.slice(-512);
    });
    s.on('error', (e) => process.send({ error: String(e) }));
  }
  process.on('message', (m) => m === 'exit' && process.exit(0));
} else {
  const [base, id, total, procs] = process.argv.slice(2);
  const u = new URL(base);
  const per = Math.ceil(Number(total) / Number(procs));
  const children = [];
  let ready = 0;
  const results = [];
  await new Promise((resolve, reject) => {
    for (let p = 0; p < Number(procs); p++) {
      const c = fork(new URL(import.meta.url).pathname, ['child', u.hostname, u.port, id, String(per)]);
      children.push(c);
      c.on('message', (m) => {
        if (m.error) reject(new Error(m.error));
        else if (m.connected && ++ready === children.length) resolve();
      });
    }
  });
  const done = new Promise((resolve) => {
    for (const c of children) c.on('message', (m) => {
      if (m.last) {
        results.push(m);
        if (results.length === children.length) resolve();
      }
    });
  });
  const t0 = now();
  const res = await fetch(`${base}/api/v1/livestreams/${id}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'fanout', displayName: 'Fan-out', text: 'one message for everyone' }),
  });
  if (res.status !== 201) throw new Error(`POST chat answered ${res.status}`);
  await done;
  const first = Math.min(...results.map((r) => r.first)) - t0;
  const last = Math.max(...results.map((r) => r.last)) - t0;
  console.log(`RESULT subscribers=${per * children.length} first=${first.toFixed(1)}ms last=${last.toFixed(1)}ms`);
  for (const c of children) c.send('exit');
}
