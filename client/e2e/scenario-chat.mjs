// The end-to-end scenario of chat, moderation and the stage (two browser contexts, accounts):
// Alice hosts, Bob watches; Bob chats and Alice sees it; Alice deletes the message and it leaves
// Bob's page; Bob raises his hand, Alice invites him on stage, Bob accepts and is on stage; Alice
// removes and bans Bob, whose page then says he is banned.
import path from 'node:path';
import { check, launchUser, step } from './scenario.mjs';
import { signUp } from './scenario-accounts.mjs';

const TIMEOUT = 20_000;

export async function runChatScenario({ baseUrl, chromiumPath, profilesDir, artifactsDir, watch }) {
  const shot = (name) => path.join(artifactsDir, `chat-${name}.png`);
  watch.allowHttpError(401, /^\/api\/v1\/auth\/me$/);
  // Bob's post after his ban is refused on purpose.
  watch.allowHttpError(403, /^\/api\/v1\/livestreams\/[^/]+\/chat$/);

  const alice = await launchUser(chromiumPath, path.join(profilesDir, 'profile-chat-alice'));
  const bob = await launchUser(chromiumPath, path.join(profilesDir, 'profile-chat-bob'));
  try {
    const host = alice.pages()[0] ?? (await alice.newPage());
    const viewer = bob.pages()[0] ?? (await bob.newPage());
    watch.attach(host, 'alice');
    watch.attach(viewer, 'bob');

    step('Alice and Bob sign up; Alice creates a livestream and hosts it');
    await signUp(host, baseUrl, { username: 'alice', displayName: 'Alice' });
    await signUp(viewer, baseUrl, { username: 'bob', displayName: 'Bob' });
    const id = await host.evaluate(async () => {
      const response = await fetch('/api/v1/livestreams', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ roomName: 'chat-room', title: 'Chat and stage' }),
      });
      return (await response.json()).data.id;
    });
    check(typeof id === 'string', 'the livestream was not created');
    await host.goto(`${baseUrl}/livestreams/${id}/room?role=host`, { waitUntil: 'domcontentloaded' });
    await host.getByTestId('host-view').waitFor({ timeout: TIMEOUT });
    await viewer.goto(`${baseUrl}/livestreams/${id}/room?role=viewer`, { waitUntil: 'domcontentloaded' });
    await viewer.getByTestId('viewer-view').waitFor({ timeout: TIMEOUT });

    step('Bob chats; Alice sees the message live');
    await viewer.getByTestId('chat-input').fill('Hello from Bob <b>not bold</b>');
    await viewer.getByTestId('chat-send').click();
    const onHost = host.getByTestId('chat-message').filter({ hasText: 'Hello from Bob <b>not bold</b>' });
    await onHost.waitFor({ timeout: TIMEOUT });
    check((await host.locator('[data-testid="chat-messages"] b').count()) === 0, 'chat text was rendered as HTML');
    await host.screenshot({ path: shot('host-sees-message') });

    step('Alice deletes it; it leaves Bob\'s page');
    await onHost.getByRole('button', { name: /Delete message from Bob/ }).click();
    await viewer.getByTestId('chat-message').filter({ hasText: 'Hello from Bob' }).waitFor({ state: 'detached', timeout: TIMEOUT });

    step('Bob raises his hand; Alice invites him on stage; Bob accepts');
    await viewer.getByTestId('raise-hand').click();
    const hand = host.getByTestId('raised-hand').filter({ hasText: 'Bob' });
    await hand.waitFor({ timeout: TIMEOUT });
    await hand.getByTestId('invite-on-stage').click();
    await viewer.getByTestId('stage-invitation').waitFor({ timeout: TIMEOUT });
    await viewer.screenshot({ path: shot('viewer-invited') });
    await viewer.getByTestId('stage-accept').click();
    await viewer.getByTestId('on-stage').waitFor({ timeout: TIMEOUT });

    step('Alice removes and bans Bob; Bob\'s page says so');
    await host.getByTestId('people-actions').getByText('Bob').waitFor({ timeout: TIMEOUT });
    await host.getByTestId('people-actions').locator('li', { hasText: 'Bob' }).getByTestId('ban-person').click();
    await host.getByTestId('people-actions').locator('li', { hasText: 'Bob' }).waitFor({ state: 'detached', timeout: TIMEOUT });
    await viewer.getByTestId('chat-input').fill('let me back');
    await viewer.getByTestId('chat-send').click();
    await viewer.getByTestId('chat-notice').filter({ hasText: 'banned' }).waitFor({ timeout: TIMEOUT });
    await viewer.screenshot({ path: shot('viewer-banned') });
  } catch (error) {
    for (const [context, name] of [[alice, 'host'], [bob, 'viewer']]) {
      const page = context.pages()[0];
      if (page) await page.screenshot({ path: shot(`failed-${name}`) }).catch(() => undefined);
    }
    throw error;
  } finally {
    await alice.close();
    await bob.close();
  }
}
