// The command-line helpers: verify-token prints verified claims (exit 1 when invalid) and
// sign-webhook prints an Authorization value the SDK's WebhookReceiver accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AccessToken, WebhookReceiver } from 'livekit-server-sdk';

const bin = (name) => fileURLToPath(new URL(`../bin/${name}`, import.meta.url));

function run(script, args, env = {}) {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin(script), ...args], { env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? err.code : 0, stdout, stderr });
    });
  });
}

test('verify-token prints the claims of a valid token', async () => {
  const at = new AccessToken('k1', 's1', { identity: 'user-1', name: 'User', ttl: '1h' });
  at.addGrant({ roomJoin: true, room: 'r', canPublish: false });
  const { code, stdout } = await run('verify-token.mjs', [await at.toJwt()], { LIVEKIT_API_KEY: 'k1', LIVEKIT_API_SECRET: 's1' });
  assert.equal(code, 0);
  const claims = JSON.parse(stdout);
  assert.equal(claims.sub, 'user-1');
  assert.equal(claims.iss, 'k1');
  assert.deepEqual(claims.video, { roomJoin: true, room: 'r', canPublish: false });
});

test('verify-token exits 1 on a token signed with another secret, 2 without argument', async () => {
  const at = new AccessToken('devkey', 'not-secret', { identity: 'u' });
  const bad = await run('verify-token.mjs', [await at.toJwt()], { LIVEKIT_API_KEY: '', LIVEKIT_API_SECRET: '' });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /invalid token/);
  assert.equal((await run('verify-token.mjs', [])).code, 2);
});

test('sign-webhook signs the exact bytes of a file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lkd-'));
  try {
    const body = '{"event":"room_started","room":{"name":"r"},"id":"EV_1","createdAt":"1700000000"}\n';
    const file = join(dir, 'body.json');
    await writeFile(file, body);
    const { code, stdout } = await run('sign-webhook.mjs', [file], { LIVEKIT_API_KEY: 'k2', LIVEKIT_API_SECRET: 's2' });
    assert.equal(code, 0);
    const event = await new WebhookReceiver('k2', 's2').receive(body, stdout.trim());
    assert.equal(event.id, 'EV_1');
    await assert.rejects(new WebhookReceiver('k2', 's2').receive(body.trim(), stdout.trim()));
  } finally {
    await rm(dir, { recursive: true });
  }
});
