// Ingest (LiveKit Ingress) black-box against the real binary and the LiveKit double, on
// every backend: the lifecycle (create, an encoder connects → publishing in the state and on SSE,
// key reset → the old ingress is gone, end → ingress deleted), who sees the stream key (creator
// and admins; never a viewer, a list, the state or an SSE frame), and bad input.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, call, assertError, backends, protocol, twirpCalls } from './support.mjs';
import { sse, until } from './webhook_support.mjs';
import { JWT_SECRET, bearer, hostToken, unique } from './identity_support.mjs';

const ENV = {
  AUTH_MODE: 'accounts',
  AUTH_JWT_SECRET: JWT_SECRET,
  RATE_LIMIT_ENABLED: 'false',
  RECONCILIATION_INTERVAL_SECONDS: '1',
  RECONCILIATION_ABSENCES: '2',
  RECONCILIATION_GRACE_SECONDS: '0',
};
const carol = bearer(hostToken('carol', 'Carol'));
const bob = bearer(hostToken('bob', 'Bob'));
const root = bearer(hostToken('root', 'Root', { admin: true }));

async function control(double, path, body = {}) {
  const r = await fetch(`${double.url}/_double${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const json = await r.json();
  assert.equal(r.status, 200, `double ${path}: ${JSON.stringify(json)}`);
  return json;
}
const ingresses = async (double) => (await fetch(`${double.url}/_double/ingress`)).json();

for (const backend of backends()) {
  describe(`ingest (${backend})`, () => {
    let s;
    before(async () => { s = await startStack({ backend, env: ENV }); });
    after(async () => { await s?.stop(); });

    async function livestream(extra = {}, who = carol) {
      const r = await call(s.base, 'POST', '/api/v1/livestreams', {
        headers: who, json: { roomName: unique('obs'), title: 'OBS show', ...extra },
      });
      assert.equal(r.status, 201, r.text);
      return r.body.data;
    }
    const state = async (id) => (await call(s.base, 'GET', `/api/v1/livestreams/${id}/state`, { headers: bob })).body.data;

    it('create with ingest: the creator gets url and key; the encoder drives the state and SSE; end deletes the ingress', async () => {
      const l = await livestream({ ingest: 'rtmp' });
      assert.equal(l.ingest.type, 'rtmp');
      assert.match(l.ingest.url, /^rtmp:\/\//);
      assert.ok(l.ingest.streamKey.length >= 20);
      assert.equal(l.ingest.status, 'inactive');
      const [inDouble] = (await ingresses(s.double)).filter((i) => i.room_name === l.roomName);
      assert.equal(inDouble.participant_identity, 'carol', 'the encoder publishes as the host');
      assert.equal(inDouble.stream_key, l.ingest.streamKey);
      // The request, read strictly with the official type (an unknown field would throw), and
      // its service token's grant.
      const [sent] = (await twirpCalls(s.double, 'CreateIngress')).filter((c) => c.body?.roomName === l.roomName);
      assert.equal(sent.grant.ingressAdmin, true);
      const req = protocol.CreateIngressRequest.fromJson(sent.body);
      assert.equal(req.inputType, protocol.IngressInput.RTMP_INPUT);
      assert.equal(req.participantIdentity, 'carol');
      assert.equal(req.participantName, 'Carol');
      assert.equal(req.name, l.id);
      assert.deepEqual((await state(l.id)).ingest, { input: 'rtmp', status: 'inactive', error: null });

      const stream = sse(`${s.base}/api/v1/livestreams/${l.id}/events`);
      await stream.ready;
      await control(s.double, `/ingress/${inDouble.ingress_id}/connect`, { buffering: true });
      await control(s.double, `/ingress/${inDouble.ingress_id}/publish`);
      await until(async () => (await state(l.id)).ingest.status === 'publishing', 8000, 'publishing in the state');
      await until(() => stream.events.some((e) => e.event === 'ingest_update' && e.data.ingest?.status === 'publishing'), 8000, 'ingest_update on SSE');
      for (const e of stream.events) assert.ok(!JSON.stringify(e.data).includes(l.ingest.streamKey), 'no key on SSE');

      await control(s.double, `/ingress/${inDouble.ingress_id}/disconnect`, { error: 'unsupported codec' });
      await until(async () => (await state(l.id)).ingest.status === 'error', 8000, 'error in the state');
      assert.equal((await state(l.id)).ingest.error, 'unsupported codec');
      stream.close();

      const end = await call(s.base, 'DELETE', `/api/v1/livestreams/${l.id}`, { headers: carol });
      assert.equal(end.status, 200, end.text);
      assert.equal((await ingresses(s.double)).filter((i) => i.room_name === l.roomName).length, 0, 'ingress deleted');
      assert.equal((await state(l.id)).ingest, null);
    });

    it('POST …/ingest later, reveal, reset: the old key is gone', async () => {
      const l = await livestream();
      assert.equal((await state(l.id)).ingest, null);
      const created = await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/ingest`, { headers: carol, json: { type: 'whip' } });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.headers.get('cache-control'), 'no-store');
      assert.equal(created.body.data.type, 'whip');
      assertError(assert, await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/ingest`, { headers: carol, json: {} }), 409);

      const shown = await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/ingest`, { headers: root });
      assert.equal(shown.status, 200, shown.text);
      assert.equal(shown.body.data.streamKey, created.body.data.streamKey, 'an admin sees the key');

      const reset = await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/ingest/reset`, { headers: carol });
      assert.equal(reset.status, 200, reset.text);
      assert.notEqual(reset.body.data.streamKey, created.body.data.streamKey);
      assert.notEqual(reset.body.data.ingressId, created.body.data.ingressId);
      const keys = (await ingresses(s.double)).filter((i) => i.room_name === l.roomName).map((i) => i.stream_key);
      assert.deepEqual(keys, [reset.body.data.streamKey], 'only the new key exists at LiveKit');
      const again = await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/ingest`, { headers: carol });
      assert.equal(again.body.data.streamKey, reset.body.data.streamKey);

      const del = await call(s.base, 'DELETE', `/api/v1/livestreams/${l.id}/ingest`, { headers: carol });
      assert.equal(del.status, 200, del.text);
      assertError(assert, await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/ingest`, { headers: carol }), 404);
    });

    it('a viewer never sees a key: refused on every ingest route, absent from lists and state', async () => {
      const l = await livestream({ ingest: 'rtmp' });
      const key = l.ingest.streamKey;
      assertError(assert, await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/ingest`, { headers: bob }), 403);
      assertError(assert, await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/ingest/reset`, { headers: bob }), 403);
      assertError(assert, await call(s.base, 'DELETE', `/api/v1/livestreams/${l.id}/ingest`, { headers: bob }), 403);
      assertError(assert, await call(s.base, 'GET', `/api/v1/livestreams/${l.id}/ingest`), 401);
      for (const [path, who] of [[`/api/v1/livestreams/${l.id}`, bob], ['/api/v1/livestreams?limit=100', bob],
        [`/api/v1/livestreams/${l.id}/state`, bob], [`/api/v1/livestreams/${l.id}`, carol],
        ['/api/v1/livestreams?limit=100', carol], [`/api/v1/livestreams/${l.id}/state`, carol]]) {
        const r = await call(s.base, 'GET', path, { headers: who });
        assert.equal(r.status, 200, r.text);
        assert.ok(!r.text.includes(key), `${path} must not carry the key`);
      }
      assert.ok(!s.output().includes(key), 'the key is never logged');
    });

    it('reconciliation turns off an ingest whose ingress_ended was lost', async () => {
      const l = await livestream({ ingest: 'rtmp' });
      const [ingress] = (await ingresses(s.double)).filter((i) => i.room_name === l.roomName);
      await control(s.double, `/ingress/${ingress.ingress_id}/connect`);
      await until(async () => (await state(l.id)).ingest.status === 'publishing', 8000, 'publishing');
      // The encoder leaves while webhooks go nowhere: LiveKit knows, the orchestrator does not.
      await control(s.double, '/config', { webhookUrl: '' });
      try {
        await control(s.double, `/ingress/${ingress.ingress_id}/disconnect`);
      } finally {
        await control(s.double, '/config', { webhookUrl: `${s.base}/api/v1/webhooks/livekit` });
      }
      assert.equal((await state(l.id)).ingest.status, 'publishing');
      await until(async () => (await state(l.id)).ingest.status === 'inactive', 10000, 'inactive after reconciliation');
    });

    it('bad input is a 400 (and nothing is created), an unknown livestream a 404', async () => {
      const room = unique('bad');
      assertError(assert, await call(s.base, 'POST', '/api/v1/livestreams', { headers: carol, json: { roomName: room, title: 't', ingest: 'srt' } }), 400);
      assertError(assert, await call(s.base, 'POST', '/api/v1/livestreams', { headers: carol, json: { roomName: room, title: 't', ingest: 5 } }), 400);
      assert.equal((await call(s.base, 'GET', `/api/v1/livestreams?limit=100`, { headers: carol })).body.data.filter((l) => l.roomName === room).length, 0);
      const l = await livestream();
      assertError(assert, await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/ingest`, { headers: carol, json: { type: 'rtsp' } }), 400);
      assertError(assert, await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/ingest`, { body: 'nope', headers: { ...carol, 'content-type': 'application/json' } }), 400);
      assertError(assert, await call(s.base, 'POST', '/api/v1/livestreams/00000000-0000-4000-8000-000000000000/ingest', { headers: carol, json: {} }), 404);
      assertError(assert, await call(s.base, 'POST', '/api/v1/livestreams/not-a-uuid/ingest/reset', { headers: carol }), 404);
      await call(s.base, 'DELETE', `/api/v1/livestreams/${l.id}`, { headers: carol });
      assertError(assert, await call(s.base, 'POST', `/api/v1/livestreams/${l.id}/ingest`, { headers: carol, json: {} }), 400);
    });
  });
}
