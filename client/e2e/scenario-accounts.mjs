// The end-to-end scenario of the default authentication (accounts): Alice signs up (the first
// account, so an admin) and creates a public and a private livestream; a signed-out visitor opens
// the public link and watches as a guest (Alice's card counts the viewer), is refused the private
// one and cannot end Alice's; Bob signs up, does not see the private livestream and cannot end
// the public one; Alice invites Bob to the private one and he can watch it; the admin page shows
// the accounts, a new API key once (then revoked) and the audit log; Alice ends the public livestream and the guest sees it ended.
import path from 'node:path';
import { check, launchUser, step } from './scenario.mjs';

const TIMEOUT = 20_000;
const PASSWORD = 'correct horse battery';

/** Signs up through the sign-up page and waits for the header to say who is signed in. */
export async function signUp(page, baseUrl, { username, displayName }) {
  await page.goto(`${baseUrl}/signup`, { waitUntil: 'domcontentloaded' });
  const form = page.getByRole('form', { name: 'Sign up' });
  await form.getByLabel('Username').fill(username);
  await form.getByLabel('Display name').fill(displayName);
  await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await form.getByLabel('Repeat the password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL(`${baseUrl}/`);
  await page.getByTestId('signed-in-as').filter({ hasText: `Signed in as ${displayName}` }).waitFor();
}

/** Creates a livestream through the dialog; returns its card and id once it is LIVE. */
async function createLivestream(page, { roomName, title, visibility }, screenshot) {
  await page.getByRole('button', { name: 'Create livestream' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Create a livestream' });
  await dialog.getByLabel('Room name').fill(roomName);
  await dialog.getByLabel('Title').fill(title);
  await dialog.getByRole('radio', { name: visibility }).check();
  if (screenshot) await page.screenshot({ path: screenshot });
  await dialog.getByRole('button', { name: 'Create livestream' }).click();
  await dialog.waitFor({ state: 'detached' });
  const card = page.getByTestId('livestream-card').filter({ hasText: roomName });
  await card.and(page.locator('[data-status="LIVE"]')).waitFor();
  const id = await card.getAttribute('data-livestream-id');
  check(id, `the card of ${roomName} has no livestream id`);
  return { card, id };
}

/** DELETE /livestreams/:id from the page itself (its cookie, same origin): the HTTP status. */
function endFromPage(page, id) {
  return page.evaluate(async (livestreamId) => {
    const response = await fetch(`/api/v1/livestreams/${livestreamId}`, {
      method: 'DELETE',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: '{}',
    });
    return response.status;
  }, id);
}

async function viewerCountAtLeast(page, id, n) {
  await page.waitForFunction(
    ([livestreamId, min]) => {
      const el = document.querySelector(`[data-livestream-id="${livestreamId}"] [data-testid="viewer-count"]`);
      const count = Number.parseInt(el?.textContent ?? '', 10);
      return Number.isFinite(count) && count >= min;
    },
    [id, n],
    { timeout: TIMEOUT },
  );
}

export async function runAccountsScenario({ baseUrl, chromiumPath, profilesDir, artifactsDir, watch }) {
  const shot = (name) => path.join(artifactsDir, `accounts-${name}.png`);
  // Asked on purpose: "who am I" of a signed-out page is a 401; the refused private livestream and
  // the refused DELETEs are 403s.
  watch.allowHttpError(401, /^\/api\/v1\/auth\/me$/);
  watch.allowHttpError(403, /^\/api\/v1\/livestreams\/[^/]+$/);

  const alice = await launchUser(chromiumPath, path.join(profilesDir, 'profile-alice'));
  const visitor = await launchUser(chromiumPath, path.join(profilesDir, 'profile-guest'));
  const bob = await launchUser(chromiumPath, path.join(profilesDir, 'profile-bob'));
  try {
    // --- Signed out: public livestreams, a call to sign in, no Switch-user box ---
    step('Alice opens the list signed out');
    const list = alice.pages()[0] ?? (await alice.newPage());
    watch.attach(list, 'alice list');
    await list.goto(baseUrl, { waitUntil: 'domcontentloaded' });
    await list.getByRole('heading', { name: 'Livestreams' }).waitFor();
    await list.getByRole('region', { name: 'Sign in' }).waitFor();
    check((await list.getByRole('button', { name: /Switch user/ }).count()) === 0, 'the Switch-user box must not exist outside open mode');
    check((await list.getByTestId('open-mode-banner').count()) === 0, 'the open-mode banner must not show in the accounts mode');
    check((await list.getByRole('button', { name: 'Create livestream' }).count()) === 0, 'a signed-out visitor must not be offered to create');
    await list.screenshot({ path: shot('signed-out') });

    // --- Alice signs up: the first account is an admin ---
    step('Alice signs up (the first account: admin)');
    await signUp(list, baseUrl, { username: 'alice', displayName: 'Alice' });
    await list.getByRole('banner').getByRole('link', { name: 'Admin' }).waitFor();

    step('Alice creates a public and a private livestream');
    const pub = await createLivestream(list, { roomName: 'public-show', title: 'Public show', visibility: 'Public' });
    const priv = await createLivestream(list, { roomName: 'private-show', title: 'Private show', visibility: 'Private' }, shot('create-dialog'));
    check((await priv.card.getByTestId('visibility-badge').textContent()) === 'Private', 'the private card should carry a "Private" badge');
    check((await pub.card.getByTestId('visibility-badge').count()) === 0, 'a public card has no visibility badge');
    step(`public ${pub.id}, private ${priv.id}`);

    // --- A signed-out visitor watches the public one as a guest ---
    step('a signed-out visitor opens the public link and watches as a guest');
    const guest = visitor.pages()[0] ?? (await visitor.newPage());
    watch.attach(guest, 'guest');
    await guest.goto(`${baseUrl}/livestreams/${pub.id}/room?role=viewer`, { waitUntil: 'domcontentloaded' });
    const gate = guest.getByTestId('signed-out-room');
    await gate.getByRole('heading', { name: 'Public show' }).waitFor();
    await gate.getByLabel(/Your name/).fill('Gus');
    await guest.screenshot({ path: shot('guest-gate') });
    await gate.getByRole('button', { name: 'Watch as guest' }).click();
    await guest.getByTestId('viewer-view').waitFor();
    await guest.getByTestId('signed-in-as').filter({ hasText: 'Watching as guest Gus' }).waitFor();
    check((await guest.getByRole('button', { name: 'End stream' }).count()) === 0, 'the guest must not be offered "End stream"');

    step("the guest is counted on Alice's card");
    await viewerCountAtLeast(list, pub.id, 1);
    await guest.locator('[data-testid="media-simulated"][data-presence="connected"]').waitFor();
    await guest.screenshot({ path: shot('room-guest') });

    step('the guest opens the private link: refused');
    const refused = await visitor.newPage();
    watch.attach(refused, 'guest private');
    await refused.goto(`${baseUrl}/livestreams/${priv.id}/room?role=viewer`, { waitUntil: 'domcontentloaded' });
    await refused.getByRole('alert').filter({ hasText: 'This livestream is private' }).waitFor();
    check((await refused.getByText('Private show').count()) === 0, 'the refused page must not show the private title');
    await refused.screenshot({ path: shot('private-refused') });

    step("the guest's list: the public livestream without End, no private one; DELETE is refused");
    await refused.goto(baseUrl, { waitUntil: 'domcontentloaded' });
    const guestCard = refused.getByTestId('livestream-card').filter({ hasText: 'Public show' });
    await guestCard.waitFor();
    check((await guestCard.getByRole('button', { name: 'End stream' }).count()) === 0, 'the guest must not be offered "End stream" on the card');
    check((await refused.getByTestId('livestream-card').filter({ hasText: 'Private show' }).count()) === 0, 'the guest must not see the private livestream');
    const guestDelete = await endFromPage(refused, pub.id);
    check(guestDelete === 403, `the guest's DELETE should be refused with 403, got ${guestDelete}`);
    await refused.close();

    // --- Bob, a second account ---
    step('Bob signs up: not an admin, no private livestream, cannot end the public one');
    const bobPage = bob.pages()[0] ?? (await bob.newPage());
    watch.attach(bobPage, 'bob');
    await signUp(bobPage, baseUrl, { username: 'bob', displayName: 'Bob' });
    check((await bobPage.getByRole('banner').getByRole('link', { name: 'Admin' }).count()) === 0, 'Bob is not an admin');
    const bobCard = bobPage.getByTestId('livestream-card').filter({ hasText: 'Public show' });
    await bobCard.waitFor();
    check((await bobCard.getByRole('button', { name: 'End stream' }).count()) === 0, 'Bob must not be offered "End stream"');
    check((await bobPage.getByTestId('livestream-card').filter({ hasText: 'Private show' }).count()) === 0, 'Bob must not see the private livestream');
    const bobDelete = await endFromPage(bobPage, pub.id);
    check(bobDelete === 403, `Bob's DELETE should be refused with 403, got ${bobDelete}`);
    await bobPage.getByRole('button', { name: 'My livestreams' }).click();
    await bobPage.getByText('You have no livestreams').waitFor();

    // --- Alice invites Bob to the private livestream ---
    step('Alice invites Bob to the private livestream from its page');
    const host = await alice.newPage();
    watch.attach(host, 'alice host');
    await host.goto(`${baseUrl}/livestreams/${priv.id}/room?role=host`, { waitUntil: 'domcontentloaded' });
    await host.getByTestId('host-view').waitFor();
    const invites = host.getByRole('region', { name: 'Invited people' });
    await invites.getByLabel('User ID to invite').fill('bob');
    await invites.getByRole('button', { name: 'Invite' }).click();
    await invites.getByRole('button', { name: 'Remove bob' }).waitFor();
    await host.screenshot({ path: shot('room-host-private') });

    step('Bob can now watch the private livestream');
    await bobPage.goto(`${baseUrl}/livestreams/${priv.id}/room?role=viewer`, { waitUntil: 'domcontentloaded' });
    await bobPage.getByTestId('viewer-view').waitFor();
    await bobPage.getByRole('button', { name: 'Leave' }).click();
    await bobPage.waitForURL(`${baseUrl}/`);
    await host.getByRole('button', { name: 'Leave' }).click();
    await host.waitForURL(`${baseUrl}/`);
    await host.close();

    // --- The admin page ---
    step('Alice looks at the admin page: users and audit log');
    const admin = await alice.newPage();
    watch.attach(admin, 'alice admin');
    await admin.goto(`${baseUrl}/admin`, { waitUntil: 'domcontentloaded' });
    const users = admin.getByRole('table', { name: 'Users' });
    await users.getByRole('cell', { name: 'bob', exact: true }).waitFor();
    await admin.screenshot({ path: shot('admin-users') });
    await admin.getByRole('tab', { name: 'API keys' }).click();
    await admin.getByLabel('Key name').fill('e2e backend');
    await admin.getByRole('checkbox', { name: 'write' }).check();
    await admin.getByRole('button', { name: 'Create key' }).click();
    const keyDialog = admin.getByRole('dialog', { name: /API key “e2e backend” created/ });
    await keyDialog.getByText('Copy the key now: it is shown only this once.').waitFor();
    const secret = await keyDialog.getByTestId('new-api-key').inputValue();
    check(/^lso_[A-Za-z0-9_-]{43}$/.test(secret), `the new key should look like lso_ + 43 characters, got ${secret.length} characters`);
    await admin.screenshot({ path: shot('admin-new-key') });
    await keyDialog.getByRole('button', { name: 'I have copied it' }).click();
    await keyDialog.waitFor({ state: 'detached' });
    const keyRow = admin.getByTestId('api-key-row').filter({ hasText: 'e2e backend' });
    check((await keyRow.textContent()).includes(secret.slice(0, 12)), 'the key list should show the key by its prefix');
    check(!(await admin.content()).includes(secret), 'the key must not stay on the page once the dialog is closed');
    await keyRow.getByRole('button', { name: 'Revoke e2e backend' }).click();
    await admin.getByRole('dialog', { name: 'Revoke “e2e backend”?' }).getByRole('button', { name: 'Revoke key' }).click();
    await keyRow.getByText(/revoked/).waitFor();
    await admin.getByRole('tab', { name: 'Audit log' }).click();
    await admin.getByTestId('audit-row').first().waitFor();
    await admin.screenshot({ path: shot('admin-audit') });
    await admin.close();

    // --- Alice ends the public livestream; the guest sees it ---
    step('Alice ends the public livestream; the guest sees that it ended');
    await pub.card.getByRole('button', { name: 'End stream' }).click();
    const confirm = list.getByRole('dialog', { name: 'End this livestream?' });
    await confirm.getByRole('button', { name: 'End stream' }).click();
    await confirm.waitFor({ state: 'detached' });
    await list.locator(`[data-livestream-id="${pub.id}"][data-status="ENDED"]`).waitFor();
    await guest.getByTestId('stream-ended').waitFor({ timeout: TIMEOUT });
    await guest.screenshot({ path: shot('room-guest-ended') });
    await list.evaluate(() => window.scrollTo(0, 0));
    await list.screenshot({ path: shot('list') });
  } finally {
    await Promise.allSettled([alice.close(), visitor.close(), bob.close()]);
  }
}
