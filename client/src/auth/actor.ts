// Who requests act as. In open mode the server trusts identity fields of request bodies (the
// Switch-user identity goes there); signed in, it takes them from the session and they are left out.
import type { CurrentUser } from '../api/types';
import type { Identity } from '../identity/identity';

export interface Actor {
  userId: string;
  displayName: string;
  /** True in open mode: `createdBy`, `userId`, `requestingUserId`, `displayName` go in bodies. */
  inBodies: boolean;
}

export function actorFromIdentity(identity: Identity): Actor {
  return { userId: identity.userId, displayName: identity.displayName, inBodies: true };
}

export function actorFromUser(user: CurrentUser): Actor {
  return { userId: user.id, displayName: user.displayName, inBodies: false };
}

/** The user id to name in a body, or undefined when the server takes it from the session. */
export function bodyUserId(actor: Pick<Actor, 'userId'> & { inBodies?: boolean }): string | undefined {
  return actor.inBodies === false ? undefined : actor.userId;
}
