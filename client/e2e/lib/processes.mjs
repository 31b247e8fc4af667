// Child processes of the end-to-end run: free ports, start with logs to files, wait until
// ready, stop by pid. Only processes started here are ever signalled.
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import net from 'node:net';

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `command args` with `env` added to this process's environment; stdout and stderr go
 * to `logFile`. Returns { name, child, logFile, exited } where `exited` resolves on exit.
 */
export function start(name, command, args, { env, cwd, logFile }) {
  const log = createWriteStream(logFile);
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
    child.on('error', (error) => resolve({ code: null, signal: null, error }));
  });
  return { name, child, logFile, exited };
}

/** The last lines of a process's log, for failure messages. */
export function logTail(proc, lines = 25) {
  try {
    return readFileSync(proc.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Polls `url` until it answers with one of `okStatuses`; fails early when the process exits
 * and after `timeoutMs`, naming the process and showing its log.
 */
export async function waitForHttp(proc, url, { timeoutMs = 30_000, okStatuses = [200] } = {}) {
  const deadline = Date.now() + timeoutMs;
  let exited = null;
  proc.exited.then((result) => {
    exited = result;
  });
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(
        `${proc.name} exited (code ${exited.code}, signal ${exited.signal}${exited.error ? `, ${exited.error.message}` : ''}) ` +
          `before ${url} answered.\n--- ${proc.logFile} ---\n${logTail(proc)}`,
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      last = `HTTP ${response.status}`;
      await response.arrayBuffer();
      if (okStatuses.includes(response.status)) return;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${proc.name} did not answer ${url} within ${timeoutMs} ms (last: ${last}).\n--- ${proc.logFile} ---\n${logTail(proc)}`);
}

/** SIGTERM, then SIGKILL after `graceMs` if still running. */
export async function stop(proc, graceMs = 5000) {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
  }, graceMs);
  await proc.exited;
  clearTimeout(timer);
}
