// Browser console watch for the end-to-end run: every error is recorded, and only the ones
// this scenario causes on purpose (the media connection to the LiveKit double) are allowed.

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The LiveKit double speaks LiveKit's server API but has no media plane. On the room page
 * livekit-client opens its signalling WebSocket to `<double>/rtc…`, which the double refuses,
 * then asks `<double>/rtc/…/validate` over HTTP for the reason, which the browser blocks
 * (no CORS headers) or the double refuses. Chromium logs each of these as a console error;
 * nothing else is expected, and each must name the double's address and the /rtc path.
 */
export function expectedMediaErrorPatterns(doubleHostPort) {
  const host = escape(doubleHostPort);
  return [
    new RegExp(`^WebSocket connection to 'wss?://${host}/rtc[/?]`),
    new RegExp(`^Access to fetch at 'https?://${host}/rtc/(v\\d+/)?validate[?']`),
  ];
}

const HTTP_ERROR = /^Failed to load resource: the server responded with a status of (\d+)/;

export class ConsoleWatch {
  constructor(doubleHostPort) {
    this.patterns = expectedMediaErrorPatterns(doubleHostPort);
    this.resourcePrefix = new RegExp(`^https?://${escape(doubleHostPort)}/rtc/`);
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
    if (this.isExpectedHttpError(entry)) return true;
    if (!entry.roomPage) return false;
    // "Failed to load resource: …" names the URL only in its location.
    if (entry.text.startsWith('Failed to load resource: ')) return this.resourcePrefix.test(entry.location);
    return this.patterns.some((pattern) => pattern.test(entry.text));
  }

  /** Records console errors and uncaught exceptions of `page`, labelled `label`. */
  attach(page, label) {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const entry = {
        label,
        text: message.text(),
        location: message.location()?.url ?? '',
        roomPage: new URL(page.url()).pathname.includes('/room'),
      };
      (this.isExpected(entry) ? this.expected : this.unexpected).push(entry);
    });
    page.on('pageerror', (error) => {
      this.unexpected.push({ label, text: `uncaught: ${error.stack ?? error.message}`, location: page.url(), roomPage: false });
    });
  }

  report() {
    const cut = (text) => (text.length > 240 ? `${text.slice(0, 240)}…` : text);
    const lines = (entries) => entries.map((e) => `  [${e.label}] ${cut(e.text)}${e.location ? ` (${cut(e.location)})` : ''}`).join('\n');
    return { ok: this.unexpected.length === 0, expected: lines(this.expected), unexpected: lines(this.unexpected) };
  }
}
