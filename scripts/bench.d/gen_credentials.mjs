// Credentials for the identity benchmarks, written as "Header<TAB>value" lines into
// <out>.1 … <out>.<files> (one file per wrk thread):
//   guest <base> <count> <files> <out>   Cookie headers of fresh guest sessions (POST /auth/guest)
//   jwt <secret> <count> <files> <out>   Authorization headers of HS256 host-app tokens, one user each
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';

const [kind, source, countText, filesText, out] = process.argv.slice(2);
const count = Number(countText);
const files = Number(filesText);
const b64 = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');

async function guests() {
  const lines = [];
  let next = 0;
  async function worker() {
    while (next < count) {
      next += 1;
      const r = await fetch(`${source}/api/v1/auth/guest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const cookie = r.headers.get('set-cookie')?.split(';')[0];
      if (r.status !== 201 || !cookie) throw new Error(`guest session: HTTP ${r.status}`);
      lines.push(`Cookie\t${cookie}`);
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker));
  return lines;
}

function jwts() {
  const header = b64({ alg: 'HS256', typ: 'JWT' });
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const lines = [];
  for (let i = 0; i < count; i++) {
    const payload = b64({ sub: `bench-${process.pid}-${i}`, name: `Viewer ${i}`, exp });
    const sig = createHmac('sha256', source).update(`${header}.${payload}`).digest('base64url');
    lines.push(`Authorization\tBearer ${header}.${payload}.${sig}`);
  }
  return lines;
}

const lines = kind === 'guest' ? await guests() : jwts();
for (let f = 0; f < files; f++)
  writeFileSync(`${out}.${f + 1}`, lines.filter((_, i) => i % files === f).join('\n') + '\n');
