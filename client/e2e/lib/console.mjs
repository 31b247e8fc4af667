// Browser console watch for the end-to-end run: every error is recorded, and only the HTTP
// errors a scenario causes on purpose are allowed. The media server is simulated (the LiveKit
// double has no media plane), and the room page knows it from /health: it never tries a media
// connection, so no WebSocket or /rtc error is expected either.

const HTTP_ERROR = /^Failed to load resource: the server responded with a status of (\d+)/;

export class ConsoleWatch {
  constructor() {
    this.httpAllowed = [];
    this.unexpected = [];
    this.expected = [];
  }

  /**
   * Chromium logs every 4xx answer to fetch as a console error. A scenario names the ones it
   * causes on purpose (a signed-out "who am I" is a 401, a refused private livestream a 403):
   * `status` on a path matching `pathPattern`.
   */
  allowHttpError(status, pathPattern) {
    this.httpAllowed.push({ status, pathPattern });
  }

  isExpectedHttpError(entry) {
    const status = Number(HTTP_ERROR.exec(entry.text)?.[1]);
    if (!status) return false;
    let pathname = '';
    try {
      pathname = new URL(entry.location).pathname;
    } catch {
      return false;
    }
    return this.httpAllowed.some((allowed) => allowed.status === status && allowed.pathPattern.test(pathname));
  }

  isExpected(entry) {
    return this.isExpectedHttpError(entry);
  }

  /** Records console errors and uncaught exceptions of `page`, labelled `label`. */
  attach(page, label) {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const entry = {
        label,
        text: message.text(),
        location: message.location()?.url ?? '',
      };
      (this.isExpected(entry) ? this.expected : this.unexpected).push(entry);
    });
    page.on('pageerror', (error) => {
      this.unexpected.push({ label, text: `uncaught: ${error.stack ?? error.message}`, location: page.url() });
    });
  }

  report() {
    const cut = (text) => (text.length > 240 ? `${text.slice(0, 240)}…` : text);
    const lines = (entries) => entries.map((e) => `  [${e.label}] ${cut(e.text)}${e.location ? ` (${cut(e.location)})` : ''}`).join('\n');
    return { ok: this.unexpected.length === 0, expected: lines(this.expected), unexpected: lines(this.unexpected) };
  }
}
