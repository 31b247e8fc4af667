// Presence in a simulated media server (the LiveKit double): no browser can connect to it, so
// the page tells it "this token's holder is connected" instead, and LiveKit's participant_joined
// reaches the orchestrator as it would from a real connection; withdrawing sends
// participant_left. The double checks the token as LiveKit would.
import type { JoinResponse } from '../api/types';

export type PresenceStatus = 'none' | 'announcing' | 'connected' | 'failed';

export interface Presence {
  /** The double's control address for this room's participants. */
  endpoint: string;
  /** The identity the double admitted (the token's subject). */
  identity: string;
}

/** The media server's HTTP address from the WebSocket URL LiveKit clients get: ws → http, wss → https. */
export function mediaHttpUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol === 'wss:') parsed.protocol = 'https:';
  else if (parsed.protocol === 'ws:') parsed.protocol = 'http:';
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

export function presenceEndpoint(join: JoinResponse, roomName: string): string {
  return `${mediaHttpUrl(join.url)}/_double/rooms/${encodeURIComponent(roomName)}/participants`;
}

/** Announces the token's holder as connected; throws when the double refuses or cannot be reached. */
export async function announcePresence(join: JoinResponse, roomName: string): Promise<Presence> {
  const endpoint = presenceEndpoint(join, roomName);
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: join.token }),
  });
  if (!response.ok) throw new Error(`the simulated media server answered ${response.status}`);
  const body = (await response.json()) as { participant?: { identity?: unknown } };
  const identity = body.participant?.identity;
  if (typeof identity !== 'string' || identity === '') throw new Error('the simulated media server named no participant');
  return { endpoint, identity };
}

/** Withdraws a presence; best effort (the orchestrator's leave also removes the participant). */
export async function withdrawPresence(presence: Presence, options: { keepalive?: boolean } = {}): Promise<void> {
  try {
    await fetch(`${presence.endpoint}/${encodeURIComponent(presence.identity)}`, { method: 'DELETE', keepalive: options.keepalive ?? false });
  } catch {
    // Gone with the page, or the double is down: nothing is left to withdraw from.
  }
}
