// One Server-Sent Events subscription with named events, JSON payloads, reconnection with
// exponential backoff, and a terminal event after which it never reconnects.
import { useEffect, useRef, useState } from 'react';

export type StreamConnection =
  /** No URL given: nothing to subscribe to. */
  | 'idle'
  | 'connecting'
  | 'open'
  /** The last attempt failed; another is scheduled. */
  | 'reconnecting'
  /** A terminal event arrived; the subscription is over for good. */
  | 'ended';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 30000 };

/**
 * Delay before reconnect attempt `failures` (1 = first failure): doubles from initialMs up to
 * maxMs, then ±20% jitter so that browsers cut off together do not come back together.
 */
export function backoffDelay(failures: number, options: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export type EventHandlers = Record<string, (data: unknown) => void>;

export interface EventStreamOptions {
  /** null disables the subscription. */
  url: string | null;
  /** Named events to listen to (`event:` lines); each receives its parsed `data`. */
  handlers: EventHandlers;
  /** True when this event ends the subscription: the source is closed and never reopened. */
  isTerminal?: (event: string, data: unknown) => boolean;
  /**
   * Called when a connection opens after a failed one: events sent in between are lost, so a
   * caller re-reads what it cannot rebuild from the first event of the new connection.
   */
  onReconnected?: () => void;
  backoff?: BackoffOptions;
}

/**
 * The browser's own EventSource retry stops for good on an HTTP error answer and cannot back
 * off, so every error closes the source and this hook schedules the next attempt itself.
 * Handlers are read through a ref: passing new functions on each render never reconnects.
 */
export function useEventStream(options: EventStreamOptions): StreamConnection {
  const { url } = options;
  const [connection, setConnection] = useState<StreamConnection>(url ? 'connecting' : 'idle');
  const latest = useRef(options);
  latest.current = options;

  useEffect(() => {
    if (!url) {
      setConnection('idle');
      return undefined;
    }
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let stopped = false;

    const connect = () => {
      const es = new EventSource(url);
      source = es;
      setConnection(failures > 0 ? 'reconnecting' : 'connecting');

      es.onopen = () => {
        if (stopped || source !== es) return;
        const recovered = failures > 0;
        failures = 0;
        setConnection('open');
        if (recovered) latest.current.onReconnected?.();
      };

      for (const name of Object.keys(latest.current.handlers)) {
        es.addEventListener(name, (event: Event) => {
          if (stopped || source !== es) return;
          let data: unknown;
          try {
            data = JSON.parse((event as MessageEvent<string>).data);
          } catch {
            console.warn(`Ignored a '${name}' event whose data is not JSON`);
            return;
          }
          latest.current.handlers[name]?.(data);
          if (latest.current.isTerminal?.(name, data)) {
            stopped = true;
            es.close();
            setConnection('ended');
          }
        });
      }

      es.onerror = () => {
        if (stopped || source !== es) return;
        es.close();
        failures += 1;
        setConnection('reconnecting');
        timer = setTimeout(connect, backoffDelay(failures, latest.current.backoff ?? DEFAULT_BACKOFF));
      };
    };

    connect();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      source?.close();
    };
  }, [url]);

  return connection;
}
