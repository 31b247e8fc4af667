// The end-to-end scenario of ingest and recordings (open mode): Alice hosts a livestream, gets a
// stream key from the "Stream from OBS" panel, the double simulates her encoder connecting and
// the panel's light turns on; she records, stops, the double completes the recording with a
// short media file and the recordings list plays it in a <video>.
// The media file is made by Chromium itself (MediaRecorder on a canvas: a second of WebM) and
// served from 127.0.0.1 by this script, so the test ships no binary.
import http from 'node:http';
import path from 'node:path';
import { becomeUser, check, launchUser, postJson, step } from './scenario.mjs';

const TIMEOUT = 20_000;

/** One second of WebM video, recorded by the browser from an animated canvas. */
async function makeClip(page) {
  const base64 = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 120;
    const ctx = canvas.getContext('2d');
    const stream = canvas.captureStream(25);
    const recorder = new MediaRecorder(stream, { mimeType: 'video/webm' });
    const chunks = [];
    recorder.ondataavailable = (e) => chunks.push(e.data);
    const done = new Promise((resolve) => (recorder.onstop = resolve));
    recorder.start(100);
    const started = performance.now();
    await new Promise((resolve) => {
      const draw = () => {
        const t = performance.now() - started;
        ctx.fillStyle = `hsl(${(t / 4) % 360} 70% 50%)`;
        ctx.fillRect(0, 0, 160, 120);
        if (t < 1000) requestAnimationFrame(draw);
        else resolve();
      };
      draw();
    });
    recorder.stop();
    await done;
    const bytes = new Uint8Array(await new Blob(chunks, { type: 'video/webm' }).arrayBuffer());
    let text = '';
    for (const b of bytes) text += String.fromCharCode(b);
    return btoa(text);
  });
  return Buffer.from(base64, 'base64');
}

/** Serves `clip` at http://127.0.0.1:<port>/recording.webm (what object storage would). */
async function serveClip(clip, port) {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'video/webm', 'Content-Length': clip.length, 'Access-Control-Allow-Origin': '*' });
    res.end(req.method === 'HEAD' ? undefined : clip);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/recording.webm`, close: () => new Promise((r) => server.close(r)) };
}

export async function runMediaScenario({ baseUrl, doubleUrl, mediaPort, chromiumPath, profilesDir, artifactsDir, watch }) {
  const shot = (name) => path.join(artifactsDir, `${name}.png`);
  watch.allowHttpError(404, /^\/api\/v1\/auth\/config$/);
  const alice = await launchUser(chromiumPath, path.join(profilesDir, 'profile-media'));
  let clipServer = null;
  try {
    step('Alice creates a livestream and opens her host view');
    const created = await postJson(`${baseUrl}/api/v1/livestreams`, { roomName: 'obs-show', title: 'OBS show', createdBy: 'e2e-alice' });
    const id = created.data.id;
    const page = alice.pages()[0] ?? (await alice.newPage());
    watch.attach(page, 'alice host');
    await page.goto(baseUrl, { waitUntil: 'domcontentloaded' });
    await becomeUser(page, 'e2e-alice', 'Alice');
    await page.goto(`${baseUrl}/livestreams/${id}/room?role=host`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('host-view').waitFor();

    step('she gets a stream key; it is hidden until revealed');
    const panel = page.getByTestId('obs-panel');
    await panel.getByRole('button', { name: 'Get a stream key' }).click();
    await panel.getByTestId('ingest-url').waitFor();
    const [ingress] = await (await fetch(`${doubleUrl}/_double/ingress`)).json();
    check(ingress && ingress.room_name === 'obs-show', 'the double has no ingress for the room');
    check(!(await panel.getByTestId('ingest-key').textContent()).includes(ingress.stream_key), 'the key shows before Reveal');
    await panel.getByRole('button', { name: 'Reveal' }).click();
    await panel.getByTestId('ingest-key').getByText(ingress.stream_key).waitFor();
    check((await panel.getByTestId('ingest-url').textContent()) === ingress.url, 'the panel shows the ingress URL');
    check((await panel.getByTestId('ingest-status').getAttribute('data-status')) === 'inactive', 'the light starts off');

    step('the double simulates her encoder: the light turns on');
    await postJson(`${doubleUrl}/_double/ingress/${ingress.ingress_id}/connect`, {});
    await page.locator('[data-testid="ingest-status"][data-status="publishing"]').waitFor({ timeout: TIMEOUT });
    await page.screenshot({ path: shot('media-obs-panel') });

    step('she records, then stops; the double completes the recording with a short clip');
    await page.getByRole('button', { name: 'Record' }).click();
    await page.locator('[data-testid="recording-status"][data-status="active"]').waitFor({ timeout: TIMEOUT });
    const [egress] = await (await fetch(`${doubleUrl}/_double/egress`)).json();
    check(egress && egress.room_name === 'obs-show', 'the double has no egress for the room');
    clipServer = await serveClip(await makeClip(page), mediaPort);
    await page.getByRole('button', { name: 'Stop recording' }).click();
    // The double would complete it by itself with a storage path; a test completes it first
    // with a playable URL.
    await postJson(`${doubleUrl}/_double/egress/${egress.egress_id}/complete`, { location: clipServer.url, durationMs: 1000, size: 4096 }).catch(() => {});
    const recording = page.locator('[data-testid="recording"][data-status="complete"]');
    await recording.waitFor({ timeout: TIMEOUT });

    step('the recordings list plays it');
    await recording.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(
      () => {
        const v = document.querySelector('[data-testid="recording-player"]');
        return v instanceof HTMLVideoElement && v.readyState >= 2;
      },
      undefined,
      { timeout: TIMEOUT },
    );
    await page.evaluate(async () => {
      const v = document.querySelector('[data-testid="recording-player"]');
      v.muted = true;
      await v.play();
    });
    await page.waitForFunction(
      () => document.querySelector('[data-testid="recording-player"]').currentTime > 0,
      undefined,
      { timeout: TIMEOUT },
    );
    await page.screenshot({ path: shot('media-recording-plays') });
  } finally {
    await alice.close();
    await clipServer?.close();
  }
}
