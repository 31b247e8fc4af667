// The end-to-end scenario of open mode (AUTH_MODE=open, identity from "Switch user"): Alice
// creates a livestream, Bob watches it (the simulated media server has no video, the page says
// so calmly and Bob is counted as connected), five simulated viewers arrive and Alice's card,
// Bob's numbers and his viewer chart count them without a reload, Alice ends the livestream,
// her card sums the audience up and Bob sees "stream ended" with the same summary.
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
export async function becomeUser(page, userId, displayName) {
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

/** Waits until the number in `selector` (its text, or `attribute`) equals `n`. */
export async function numberReaches(page, selector, n, attribute = null) {
  await page.waitForFunction(
    ([sel, expected, attr]) => {
      const el = document.querySelector(sel);
      const text = attr ? el?.getAttribute(attr) : el?.textContent;
      return Number.parseInt(text ?? '', 10) === expected;
    },
    [selector, n, attribute],
    { timeout: TIMEOUT },
  );
}

export async function postJson(url, body) {
  const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  check(response.ok, `POST ${url} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Screenshots that also serve as documentation (client/docs/), refreshed with E2E_UPDATE_DOCS=1. */
const DOCS_SCREENSHOTS = { list: 'screenshot-list.png', 'viewer-chart': 'screenshot-chart.png', 'card-ended': 'screenshot-card-ended.png' };

export async function runScenario({ baseUrl, doubleUrl, chromiumPath, profilesDir, artifactsDir, docsDir, watch, copyFile }) {
  const shot = (name) => path.join(artifactsDir, `${name}.png`);
  const toDocs = async (name) => {
    if (docsDir) await copyFile(shot(name), path.join(docsDir, DOCS_SCREENSHOTS[name]));
  };
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
    step('the viewer page says the media server is simulated, and Bob is counted as connected');
    await bobList.locator('[data-testid="media-simulated"][data-presence="connected"]').waitFor();
    check((await bobList.getByTestId('media-error').count()) === 0, 'a simulated media server is no connection error');
    check((await bobList.getByRole('button', { name: 'Try again' }).count()) === 0, 'nothing to try again against a simulated media server');
    // Bob's presence reached LiveKit's double, its participant_joined the server: he is counted.
    await numberReaches(bobList, '[data-testid="room-viewer-count"]', 1);
    await bobList.getByTestId('room-participants').getByText('Bob').waitFor();
    await bobList.getByTestId('viewer-chart').waitFor();
    await bobList.screenshot({ path: shot('room-viewer') });

    // --- Alice's host view (screenshot), then back to the list ---
    step('Alice opens her host view');
    const host = await alice.newPage();
    watch.attach(host, 'alice host');
    await host.goto(`${baseUrl}/livestreams/${livestreamId}/room?role=host`, { waitUntil: 'domcontentloaded' });
    await host.getByTestId('host-view').waitFor();
    await host.getByRole('button', { name: 'End stream' }).waitFor();
    await host.locator('[data-testid="media-simulated"][data-presence="connected"]').waitFor();
    await host.getByTestId('viewer-chart').waitFor();
    // Names come from the state's people, the same live as after a reload.
    await host.getByTestId('room-participants').getByText('Alice').waitFor();
    await host.getByTestId('room-participants').getByText('Bob').waitFor();
    await host.screenshot({ path: shot('room-host') });
    await host.getByRole('button', { name: 'Leave' }).click();
    await host.waitForURL(`${baseUrl}/`);
    await host.close();

    // --- five viewers arrive through the LiveKit double: with Bob, six watch ---
    step('the double simulates 5 viewers joining');
    await postJson(`${doubleUrl}/_double/rooms/${encodeURIComponent(roomName)}/simulate`, { viewers: 5 });
    const watching = 1 + 5;
    const count = aliceCard.getByTestId('viewer-count');
    await numberReaches(list, `[data-livestream-id="${livestreamId}"] [data-testid="viewer-count"]`, watching);
    step(`Alice's card shows: ${(await count.textContent())?.trim()}`);
    await numberReaches(bobList, '[data-testid="room-viewer-count"]', watching);
    step("Bob's viewer chart follows the pushed count");
    const chart = bobList.getByTestId('viewer-chart');
    await numberReaches(bobList, '[data-testid="viewer-chart"]', watching, 'data-viewers');
    check((await chart.getByTestId('viewer-chart-readout').textContent()) === `${watching} viewers now`, 'the chart should say how many watch now');
    // At least two buckets, so that the picture shows the rise (the chart ticks every 10 s).
    await bobList.waitForFunction(
      () => Number(document.querySelector('[data-testid="viewer-chart"]')?.getAttribute('data-points')) >= 2,
      undefined,
      { timeout: TIMEOUT },
    );
    await chart.screenshot({ path: shot('viewer-chart') });
    await toDocs('viewer-chart');
    await list.evaluate(() => window.scrollTo(0, 0));
    await list.screenshot({ path: shot('list') });
    await toDocs('list');

    // --- Alice ends the livestream from her card ---
    step('Alice ends the livestream');
    await aliceCard.getByRole('button', { name: 'End stream' }).click();
    const confirm = list.getByRole('dialog', { name: 'End this livestream?' });
    await confirm.getByRole('button', { name: 'End stream' }).click();
    await confirm.waitFor({ state: 'detached' });
    await list.locator(`[data-livestream-id="${livestreamId}"][data-status="ENDED"]`).waitFor();
    check((await aliceCard.getByTestId('status-badge').textContent()) === 'ENDED', 'the card badge should say ENDED');

    step('the ended card sums the audience up: peak, viewers in total, duration');
    await aliceCard.getByTestId('summary-peak').filter({ hasText: `${watching} viewers` }).waitFor();
    await aliceCard.getByTestId('summary-unique-viewers').filter({ hasText: `${watching} viewers in total` }).waitFor();
    const duration = (await aliceCard.getByTestId('summary-duration').textContent())?.trim() ?? '';
    check(/^\d+ (s|min)( \d+ s)?$/.test(duration), `the ended card should show a duration, shows "${duration}"`);
    step(`ended card: peak ${watching}, ${watching} viewers in total, ${duration}`);
    await aliceCard.screenshot({ path: shot('card-ended') });
    await toDocs('card-ended');

    step('Bob sees that the stream ended, with its summary');
    await bobList.getByTestId('stream-ended').waitFor({ timeout: TIMEOUT });
    await bobList.getByTestId('summary-peak').filter({ hasText: `${watching} viewers` }).waitFor();
    await bobList.screenshot({ path: shot('room-viewer-ended') });

    const noReload = await list.evaluate(() => window.__e2eNoReload === true);
    check(noReload, "Alice's list page was reloaded; every update must arrive without a reload");
    check(listRequests.n === 1, `Alice's list page should read the list once, it made ${listRequests.n} list requests`);
    step(`list requests by Alice's page: ${listRequests.n}`);
  } finally {
    await Promise.allSettled([alice.close(), bob.close()]);
  }
}
