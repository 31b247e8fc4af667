// End-to-end test of the web client (`npm run test:e2e`): for each scenario starts the LiveKit
// double and the orchestrator on free ports with a fresh database, drives users in headless
// Chromium, saves screenshots, and stops everything it started. Scenarios: "open" (AUTH_MODE=open,
// the Switch-user identity: create → watch → live viewer count → end) and "accounts" (the default
// authentication: sign-up, visibility, guests, refusals), "chat" (chat, moderation, the stage) and
// "media" (the OBS panel and a recording that plays). E2E_SCENARIOS=open (or accounts, chat, media)
// runs one.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { ConsoleWatch } from './lib/console.mjs';
import { freePort, logTail, start, stop, waitForHttp } from './lib/processes.mjs';
import { runScenario } from './scenario.mjs';
import { runAccountsScenario } from './scenario-accounts.mjs';
import { runChatScenario } from './scenario-chat.mjs';
import { runMediaScenario } from './scenario-media.mjs';

const clientDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(clientDir, '..');
const artifactsDir = path.join(repoRoot, 'artifacts', 'e2e');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const serverBin = process.env.E2E_SERVER_BIN ?? path.join(repoRoot, 'build', 'release', 'src', 'livestream-orchestrator');
const doubleDir = path.join(repoRoot, 'tools', 'livekit-double');

const SCENARIOS = {
  // The seed's trust model: identity from request bodies, chosen with "Switch user".
  open: { run: runScenario, env: { AUTH_MODE: 'open' } },
  // The server's default authentication (accounts, open sign-up, guests).
  accounts: { run: runAccountsScenario, env: {} },
  // Chat, moderation and the stage with two signed-in people (accounts).
  chat: { run: runChatScenario, env: {} },
  // Ingest and recordings: the OBS panel's light follows a simulated encoder; a recording plays.
  // Its recording is served from a port of its own, which the page may play media from.
  media: {
    run: runMediaScenario,
    env: ({ mediaPort }) => ({ AUTH_MODE: 'open', RECORDING_MEDIA_ORIGINS: `http://127.0.0.1:${mediaPort}` }),
  },
};

function fail(message) {
  console.error(`\ne2e: ${message}`);
  process.exit(1);
}

function chosenScenarios() {
  const names = (process.env.E2E_SCENARIOS ?? 'open,accounts,chat,media').split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of names) if (!SCENARIOS[name]) fail(`unknown scenario "${name}" in E2E_SCENARIOS (known: ${Object.keys(SCENARIOS).join(', ')})`);
  return names;
}

function preflight() {
  if (!existsSync(chromiumPath)) {
    fail(`Chromium not found at ${chromiumPath}. Install Debian's "chromium" package or set CHROMIUM_PATH.`);
  }
  if (!existsSync(serverBin)) {
    fail(
      `orchestrator binary not found at ${serverBin}. Build it (cmake --preset release && cmake --build --preset release ` +
        'in server/) or point E2E_SERVER_BIN at a binary.',
    );
  }
  if (!existsSync(path.join(doubleDir, 'src', 'server.mjs')) || !existsSync(path.join(doubleDir, 'node_modules'))) {
    fail(`LiveKit double not ready in ${doubleDir}: run "npm ci" there.`);
  }
  if (process.env.E2E_SKIP_BUILD !== '1') {
    console.log('e2e: building the client (npm run build)…');
    const build = spawnSync('npm', ['run', 'build'], { cwd: clientDir, stdio: 'inherit' });
    if (build.status !== 0) fail('the client build failed');
  }
  if (!existsSync(path.join(clientDir, 'dist', 'index.html'))) fail('client/dist/index.html is missing after the build');
}

/** Starts the double and the server for one scenario, runs it, stops both. True when it passed. */
async function runOne(name, processes) {
  const scenario = SCENARIOS[name];
  const tmp = mkdtempSync(path.join(os.tmpdir(), `lso-e2e-${name}-`));
  const [doublePort, serverPort, mediaPort] = [await freePort(), await freePort(), await freePort()];
  const serverUrl = `http://127.0.0.1:${serverPort}`;
  const doubleUrl = `http://127.0.0.1:${doublePort}`;
  const watch = new ConsoleWatch();
  const mine = [];
  console.log(`\ne2e: ===== scenario "${name}" =====`);
  try {
    const double = start('LiveKit double', process.execPath, [path.join(doubleDir, 'src', 'server.mjs')], {
      cwd: doubleDir,
      env: {
        PORT: String(doublePort),
        HOST: '127.0.0.1',
        WEBHOOK_URL: `${serverUrl}/api/v1/webhooks/livekit`,
        WEBHOOK_RETRY_BASE_MS: '200',
      },
      logFile: path.join(artifactsDir, `livekit-double-${name}.log`),
    });
    mine.push(double);
    processes.push(double);
    await waitForHttp(double, `${doubleUrl}/_double/health`, { timeoutMs: 15_000 });

    const server = start('orchestrator', serverBin, [], {
      cwd: tmp,
      env: {
        PORT: String(serverPort),
        DATABASE_URL: `sqlite:${path.join(tmp, 'e2e.db')}`,
        LIVEKIT_URL: `ws://127.0.0.1:${doublePort}`,
        LIVEKIT_API_KEY: 'devkey',
        LIVEKIT_API_SECRET: 'secret',
        STATIC_DIR: path.join(clientDir, 'dist'),
        RATE_LIMIT_ENABLED: 'false',
        // The double moves no media; the server says so in /health and the header shows it.
        LIVEKIT_SIMULATED: 'true',
        ...(typeof scenario.env === 'function' ? scenario.env({ mediaPort }) : scenario.env),
      },
      logFile: path.join(artifactsDir, `orchestrator-${name}.log`),
    });
    mine.push(server);
    processes.push(server);
    await waitForHttp(server, `${serverUrl}/health`, { timeoutMs: 30_000 });
    console.log(`e2e: LiveKit double on ${doubleUrl}, orchestrator on ${serverUrl}`);

    await scenario.run({
      baseUrl: serverUrl,
      doubleUrl,
      mediaPort,
      chromiumPath,
      profilesDir: tmp,
      artifactsDir,
      // The documentation's screenshots are refreshed only on request, so a test run leaves the tree clean.
      docsDir: name === 'open' && process.env.E2E_UPDATE_DOCS === '1' ? path.join(clientDir, 'docs') : null,
      watch,
      copyFile,
    });

    const consoleReport = watch.report();
    if (consoleReport.expected) console.log(`e2e: expected console errors:\n${consoleReport.expected}`);
    if (!consoleReport.ok) throw new Error(`unexpected browser console errors:\n${consoleReport.unexpected}`);
    console.log(`e2e: scenario "${name}" PASSED`);
    return true;
  } catch (error) {
    console.error(`\ne2e: scenario "${name}" FAILED — ${error.stack ?? error.message}`);
    const consoleReport = watch.report();
    if (consoleReport.unexpected) console.error(`\nbrowser console errors so far:\n${consoleReport.unexpected}`);
    if (consoleReport.expected) console.error(`\nexpected console errors so far:\n${consoleReport.expected}`);
    for (const proc of mine) {
      if (proc.child.exitCode !== null) console.error(`\n${proc.name} had exited; last log lines:\n${logTail(proc)}`);
    }
    console.error(`Logs: ${path.relative(repoRoot, artifactsDir)}/*-${name}.log`);
    return false;
  } finally {
    for (const proc of mine.reverse()) await stop(proc);
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function main() {
  const names = chosenScenarios();
  preflight();
  mkdirSync(artifactsDir, { recursive: true });
  const processes = [];
  const onSignal = () => {
    void Promise.allSettled(processes.map((proc) => stop(proc))).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const failed = [];
  for (const name of names) if (!(await runOne(name, processes))) failed.push(name);
  if (failed.length > 0) {
    console.error(`\ne2e: FAILED — ${failed.join(', ')}`);
    process.exit(1);
  }
  console.log(`\ne2e: PASSED (${names.join(', ')}) — screenshots in ${path.relative(repoRoot, artifactsDir)}/`);
  process.exit(0);
}

await main();
