// SSE scale benchmark: holds many idle SSE connections on one livestream (spread over child
// processes, each with its own file-descriptor budget), reports the server's memory per
// connection, then ends the livestream and reports how long `room_ended` took to reach all of
// them. Usage: node sse_load.mjs <baseUrl> <livestreamId> <connections> <processes> <serverPid> [doubleUrl roomName]
// With a LiveKit double (sending webhooks to the server), it first measures a viewer_count_update
// caused by 6 simulated viewers joining (no connection closes mixed in), then room_ended.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';

const now = () => performance.timeOrigin + performance.now();

if (process.argv[2] === 'child') {
  const [, , , host, port, id, count] = process.argv;
  let connected = 0;
  const arrivals = [];
  const updates = [];
  for (let i = 0; i < Number(count); i++) {
    const s = net.connect(Number(port), host);
    let buf = '';
    let seen = false;
    let gotUpdate = false;
    s.setNoDelay(true);
    s.on('connect', () => s.write(`GET /api/v1/livestreams/${id}/events HTTP/1.1\r\nHost: ${host}\r\n\r\n`));
    s.on('data', (d) => {
      buf += d;
      if (!seen && buf.includes('event: state')) {
        seen = true;
        if (++connected === Number(count)) process.send({ connected });
        buf = '';
      } else if (!gotUpdate && buf.includes('event: viewer_count_update')) {
        gotUpdate = true;
        updates.push(now());
        buf = '';
        if (updates.length === Number(count)) process.send({ kind: 'update', first: Math.min(...updates), last: Math.max(...updates) });
      } else if (buf.includes('event: room_ended')) {
        arrivals.push(now());
        buf = '';
        if (arrivals.length === Number(count)) process.send({ first: Math.min(...arrivals), last: Math.max(...arrivals) });
      } else if (buf.length > 4096) buf = buf.slice(-512);
    });
    s.on('error', (e) => process.send({ error: String(e) }));
  }
  process.on('message', (m) => m === 'exit' && process.exit(0));
} else {
  const [base, id, total, procs, serverPid, doubleUrl, room] = process.argv.slice(2);
  const updateResults = [];
  const u = new URL(base);
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${serverPid}/status`, 'utf8'))[1]);
  const before = rss();
  const per = Math.ceil(Number(total) / Number(procs));
  const children = [];
  let connected = 0;
  const results = [];
  const allConnected = new Promise((ok, fail) => {
    for (let p = 0; p < Number(procs); p++) {
      const c = fork(new URL(import.meta.url).pathname, ['child', u.hostname, u.port, id, String(per)]);
      children.push(c);
      c.on('message', (m) => {
        if (m.error) fail(new Error(m.error));
        if (m.connected && (connected += m.connected) === per * Number(procs)) ok();
        if (m.last && m.kind === 'update') updateResults.push(m);
        else if (m.last) results.push(m);
      });
    }
  });
  const t0 = Date.now();
  await allConnected;
  await new Promise((r) => setTimeout(r, 2000));
  const after = rss();
  const n = per * Number(procs);
  console.log(`SSE connections held: ${n} (connected in ${Date.now() - t0} ms)`);
  console.log(`server RSS: ${before} kB idle → ${after} kB; ${(((after - before) * 1024) / n).toFixed(0)} bytes per connection`);
  if (doubleUrl) {
    const t = now();
    await fetch(`${doubleUrl}/_double/rooms/${room}/simulate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ viewers: 6 }) });
    while (updateResults.length < children.length) await new Promise((r) => setTimeout(r, 10));
    const f = Math.min(...updateResults.map((r) => r.first));
    const l = Math.max(...updateResults.map((r) => r.last));
    console.log(`viewer_count_update to ${n} subscribers (6 viewers joined via webhooks): first ${(f - t).toFixed(1)} ms, last ${(l - t).toFixed(1)} ms after the joins; spread first→last ${(l - f).toFixed(1)} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const trigger = now();
  await fetch(`${base}/api/v1/livestreams/${id}`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requestingUserId: 'bench' }) });
  const answered = now();
  while (results.length < children.length) await new Promise((r) => setTimeout(r, 20));
  const first = Math.min(...results.map((r) => r.first));
  const last = Math.max(...results.map((r) => r.last));
  console.log(`room_ended to ${n} subscribers: DELETE answered after ${(answered - trigger).toFixed(1)} ms; first delivery ${(first - trigger).toFixed(1)} ms, last ${(last - trigger).toFixed(1)} ms after the DELETE; spread first→last ${(last - first).toFixed(1)} ms`);
  for (const c of children) c.send('exit');
}
