// The end-to-end scenario of open mode (AUTH_MODE=open, identity from "Switch user"): Alice
// creates a livestream, Bob watches it (the media connection to the double fails, and the page
// says so), six simulated viewers arrive and Alice's card counts them without a reload, Alice
// ends the livestream and Bob sees "stream ended".
import path from 'node:path';
import { chromium } from 'playwright-core';

const TIMEOUT = 20_000;
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

export function step(text) {
  console.log(`e2e: ${text}`);
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

export async function launchUser(chromiumPath, profileDir) {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 860 },
    deviceScaleFactor: 1,
  });
  context.setDefaultTimeout(TIMEOUT);
  return context;
}

/** Sets the "who am I" identity through the header's Switch user dialog. */
async function becomeUser(page, userId, displayName) {
  await page.getByRole('button', { name: /Switch user/ }).click({ timeout: TIMEOUT });
  const dialog = page.getByRole('dialog', { name: 'Who are you?' });
  await dialog.getByLabel('Display name').fill(displayName);
  await dialog.getByLabel('User ID').fill(userId);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached', timeout: TIMEOUT });
  await page.getByTestId('identity').getByText(userId).waitFor({ timeout: TIMEOUT });
}

/** Counts GET requests for livestream list pages, to prove the page never polls. */
function countListRequests(page) {
  const counter = { n: 0 };
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (request.method() === 'GET' && url.pathname === '/api/v1/livestreams') counter.n += 1;
  });
  return counter;
}

export async function postJson(url, body) {
  const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  check(response.ok, `POST ${url} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

export async function runScenario({ baseUrl, doubleUrl, chromiumPath, profilesDir, artifactsDir, docsScreenshot, watch, copyFile }) {
  const shot = (name) => path.join(artifactsDir, `${name}.png`);
  // A server without identity (older than /auth/config) answers 404 there; the client takes it for open mode.
  watch.allowHttpError(404, /^\/api\/v1\/auth\/config$/);
  const alice = await launchUser(chromiumPath, path.join(profilesDir, 'profile-alice'));
  const bob = await launchUser(chromiumPath, path.join(profilesDir, 'profile-bob'));
  try {
    // --- Alice creates a livestream through the dialog ---
    step('Alice opens the list and creates a livestream');
    const list = alice.pages()[0] ?? (await alice.newPage());
    watch.attach(list, 'alice list');
    const listRequests = countListRequests(list);
    await list.goto(baseUrl, { waitUntil: 'domcontentloaded' });
    await list.getByRole('heading', { name: 'Livestreams' }).waitFor();
    await list.getByTestId('simulated-banner').waitFor();
    await list.getByTestId('open-mode-banner').waitFor();
    await becomeUser(list, 'e2e-alice', 'Alice');
    // A marker that survives only as long as the page is not reloaded.
    await list.evaluate(() => {
      window.__e2eNoReload = true;
    });

    // Keyboard: the dialog opens from the keyboard, focuses its first field, closes on Escape
    // and gives focus back to the button that opened it.
    const createButton = list.getByRole('button', { name: 'Create livestream' }).first();
    const dialog = list.getByRole('dialog', { name: 'Create a livestream' });
    await createButton.focus();
    await list.keyboard.press('Enter');
    await dialog.waitFor();
    const focused = await list.evaluate(() => document.activeElement?.getAttribute('name'));
    check(focused === 'roomName', `the create dialog should focus the room name, focused: ${focused}`);
    await list.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    const refocused = await list.evaluate(() => document.activeElement?.textContent?.trim());
    check(refocused === 'Create livestream', `Escape should give focus back to "Create livestream", focused: ${refocused}`);

    await createButton.click();
    await dialog.waitFor();
    // The database is fresh for every run, so a fixed room name never collides.
    await dialog.getByLabel('Room name').fill('Launch Party!');
    await dialog.getByLabel('Title').fill('Launch party');
    await dialog.getByLabel(/Description/).fill('Demo of the orchestrator: create, watch, live counts, end.');
    const roomName = 'launch-party';
    const preview = await dialog.getByTestId('room-name-preview').textContent();
    check(preview === roomName, `room name preview should be ${roomName}, got ${preview}`);
    await list.screenshot({ path: shot('create-dialog') });
    await dialog.getByRole('button', { name: 'Create livestream' }).click();
    await dialog.waitFor({ state: 'detached' });

    const aliceCard = list.getByTestId('livestream-card').filter({ hasText: roomName });
    await aliceCard.waitFor();
    await aliceCard.and(list.locator('[data-status="LIVE"]')).waitFor();
    const livestreamId = await aliceCard.getAttribute('data-livestream-id');
    check(livestreamId, 'the card has no livestream id');
    step(`card appeared for livestream ${livestreamId} (room ${roomName})`);

    // --- Bob watches ---
    step('Bob opens the list and watches');
    const bobList = bob.pages()[0] ?? (await bob.newPage());
    watch.attach(bobList, 'bob');
    await bobList.goto(baseUrl, { waitUntil: 'domcontentloaded' });
    await becomeUser(bobList, 'e2e-bob', 'Bob');
    const bobCard = bobList.getByTestId('livestream-card').filter({ hasText: roomName });
    await bobCard.waitFor();
    check((await bobCard.getByRole('button', { name: 'End stream' }).count()) === 0, 'Bob must not be offered "End stream"');
    await bobCard.getByRole('link', { name: 'Watch' }).click();
    await bobList.waitForURL(`**/livestreams/${livestreamId}/room?role=viewer`);
    const viewer = bobList.getByTestId('viewer-view');
    await viewer.waitFor();
    check((await bobList.getByRole('button', { name: /Start camera/ }).count()) === 0, 'the viewer view must have no publish controls');
    step('waiting for the viewer page to report the failed media connection');
    await bobList.getByTestId('media-error').waitFor({ timeout: 45_000 });
    await bobList.getByTestId('room-participants').getByText('Bob').waitFor();
    await bobList.screenshot({ path: shot('room-viewer') });

    // --- Alice's host view (screenshot), then back to the list ---
    step('Alice opens her host view');
    const host = await alice.newPage();
    watch.attach(host, 'alice host');
    await host.goto(`${baseUrl}/livestreams/${livestreamId}/room?role=host`, { waitUntil: 'domcontentloaded' });
    await host.getByTestId('host-view').waitFor();
    await host.getByRole('button', { name: 'End stream' }).waitFor();
    await host.getByTestId('media-error').waitFor({ timeout: 45_000 });
    await host.screenshot({ path: shot('room-host') });
    await host.getByRole('button', { name: 'Leave' }).click();
    await host.waitForURL(`${baseUrl}/`);
    await host.close();

    // --- six viewers arrive through the LiveKit double ---
    step('the double simulates 6 viewers joining');
    await postJson(`${doubleUrl}/_double/rooms/${encodeURIComponent(roomName)}/simulate`, { viewers: 6 });
    const count = aliceCard.getByTestId('viewer-count');
    await list.waitForFunction(
      (id) => {
        const el = document.querySelector(`[data-livestream-id="${id}"] [data-testid="viewer-count"]`);
        const n = Number.parseInt(el?.textContent ?? '', 10);
        return Number.isFinite(n) && n >= 6;
      },
      livestreamId,
      { timeout: TIMEOUT },
    );
    step(`Alice's card shows: ${(await count.textContent())?.trim()}`);
    await bobList.waitForFunction(
      () => Number.parseInt(document.querySelector('[data-testid="room-viewer-count"]')?.textContent ?? '', 10) >= 6,
      undefined,
      { timeout: TIMEOUT },
    );
    await list.evaluate(() => window.scrollTo(0, 0));
    await list.screenshot({ path: shot('list') });
    if (docsScreenshot) await copyFile(shot('list'), docsScreenshot);

    // --- Alice ends the livestream from her card ---
    step('Alice ends the livestream');
    await aliceCard.getByRole('button', { name: 'End stream' }).click();
    const confirm = list.getByRole('dialog', { name: 'End this livestream?' });
    await confirm.getByRole('button', { name: 'End stream' }).click();
    await confirm.waitFor({ state: 'detached' });
    await list.locator(`[data-livestream-id="${livestreamId}"][data-status="ENDED"]`).waitFor();
    check((await aliceCard.getByTestId('status-badge').textContent()) === 'ENDED', 'the card badge should say ENDED');

    step('Bob sees that the stream ended');
    await bobList.getByTestId('stream-ended').waitFor({ timeout: TIMEOUT });
    await bobList.screenshot({ path: shot('room-viewer-ended') });

    const noReload = await list.evaluate(() => window.__e2eNoReload === true);
    check(noReload, "Alice's list page was reloaded; every update must arrive without a reload");
    check(listRequests.n === 1, `Alice's list page should read the list once, it made ${listRequests.n} list requests`);
    step(`list requests by Alice's page: ${listRequests.n}`);
  } finally {
    await Promise.allSettled([alice.close(), bob.close()]);
  }
}
