// End-to-end test of the web client (`npm run test:e2e`): starts the LiveKit double and the
// orchestrator on free ports, drives two users in headless Chromium through create → watch →
// live viewer count → end, saves screenshots, and stops everything it started.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { ConsoleWatch } from './lib/console.mjs';
import { freePort, logTail, start, stop, waitForHttp } from './lib/processes.mjs';
import { runScenario } from './scenario.mjs';

const clientDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(clientDir, '..');
const artifactsDir = path.join(repoRoot, 'artifacts', 'e2e');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const serverBin = process.env.E2E_SERVER_BIN ?? path.join(repoRoot, 'build', 'release', 'src', 'livestream-orchestrator');
const doubleDir = path.join(repoRoot, 'tools', 'livekit-double');

function fail(message) {
  console.error(`\ne2e: ${message}`);
  process.exit(1);
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

async function main() {
  preflight();
  mkdirSync(artifactsDir, { recursive: true });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lso-e2e-'));
  const [doublePort, serverPort] = [await freePort(), await freePort()];
  const serverUrl = `http://127.0.0.1:${serverPort}`;
  const doubleUrl = `http://127.0.0.1:${doublePort}`;
  const processes = [];
  const watch = new ConsoleWatch(`127.0.0.1:${doublePort}`);
  let exitCode = 1;

  const stopAll = async () => {
    for (const proc of processes.reverse()) await stop(proc);
  };
  const onSignal = () => {
    void stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const double = start('LiveKit double', process.execPath, [path.join(doubleDir, 'src', 'server.mjs')], {
      cwd: doubleDir,
      env: {
        PORT: String(doublePort),
        HOST: '127.0.0.1',
        WEBHOOK_URL: `${serverUrl}/api/v1/webhooks/livekit`,
        WEBHOOK_RETRY_BASE_MS: '200',
      },
      logFile: path.join(artifactsDir, 'livekit-double.log'),
    });
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
      },
      logFile: path.join(artifactsDir, 'orchestrator.log'),
    });
    processes.push(server);
    await waitForHttp(server, `${serverUrl}/health`, { timeoutMs: 30_000 });
    console.log(`e2e: LiveKit double on ${doubleUrl}, orchestrator on ${serverUrl}`);

    await runScenario({
      baseUrl: serverUrl,
      doubleUrl,
      chromiumPath,
      profilesDir: tmp,
      artifactsDir,
      // The README's screenshot is refreshed only on request, so a test run leaves the tree clean.
      docsScreenshot: process.env.E2E_UPDATE_DOCS === '1' ? path.join(clientDir, 'docs', 'screenshot-list.png') : null,
      watch,
      copyFile,
    });

    const consoleReport = watch.report();
    if (consoleReport.expected) console.log(`e2e: expected console errors (media connection to the double):\n${consoleReport.expected}`);
    if (!consoleReport.ok) throw new Error(`unexpected browser console errors:\n${consoleReport.unexpected}`);
    console.log(`\ne2e: PASSED — screenshots in ${path.relative(repoRoot, artifactsDir)}/`);
    exitCode = 0;
  } catch (error) {
    console.error(`\ne2e: FAILED — ${error.stack ?? error.message}`);
    const consoleReport = watch.report();
    if (consoleReport.unexpected) console.error(`\nbrowser console errors so far:\n${consoleReport.unexpected}`);
    if (consoleReport.expected) console.error(`\nexpected console errors so far:\n${consoleReport.expected}`);
    for (const proc of processes) {
      if (proc.child.exitCode !== null) console.error(`\n${proc.name} had exited; last log lines:\n${logTail(proc)}`);
    }
    console.error(`Logs: ${path.relative(repoRoot, artifactsDir)}/*.log`);
  } finally {
    await stopAll();
    rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(exitCode);
}

await main();
