// Rules of the create-livestream form, mirroring the server's validation so that most
// mistakes are caught before a request is spent on them.
import type { CreateLivestreamRequest, Visibility } from '../api/types';

export const LIMITS = {
  roomNameMax: 128,
  titleMax: 200,
  descriptionMax: 2000,
  createdByMax: 128,
  maxParticipantsMin: 1,
  maxParticipantsMax: 10000,
  maxParticipantsDefault: 100,
  emptyTimeoutMin: 0,
  emptyTimeoutMax: 604800,
  emptyTimeoutDefault: 86400,
} as const;

/** What the inputs hold: text, as typed. */
export interface CreateFormValues {
  roomName: string;
  title: string;
  description: string;
  maxParticipants: string;
  emptyTimeout: string;
  visibility: Visibility;
}

export type CreateFormErrors = Partial<Record<keyof CreateFormValues | 'createdBy', string>>;

/** The choices of the create dialog, with what each means for who can watch. */
export const VISIBILITY_OPTIONS: { value: Visibility; label: string; explanation: string }[] = [
  { value: 'public', label: 'Public', explanation: 'Listed for everyone; signed-out visitors can watch as guests.' },
  { value: 'unlisted', label: 'Unlisted', explanation: 'Not listed; signed-in people with the link can watch.' },
  { value: 'private', label: 'Private', explanation: 'Only you, admins and the people you invite can see and watch it.' },
];

export const INITIAL_VALUES: CreateFormValues = {
  roomName: '',
  title: '',
  description: '',
  maxParticipants: String(LIMITS.maxParticipantsDefault),
  emptyTimeout: String(LIMITS.emptyTimeoutDefault),
  visibility: 'public',
};

const BLANK = /^[ \t\n\r\f\v]*$/;
// eslint-disable-next-line no-control-regex -- control characters are what it rejects
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- control characters are what it rejects
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Length in Unicode code points, as the server counts. */
export function textLength(text: string): number {
  return [...text].length;
}

/**
 * The server's room-name rule: trimmed, lowercase, [a-z0-9_-], any other character becomes
 * '-', runs of '-' collapse to one, leading and trailing '-' are removed.
 */
export function sanitizeRoomName(input: string): string {
  const trimmed = input.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, '');
  let out = '';
  for (const char of trimmed) {
    let c = char;
    if (c >= 'A' && c <= 'Z') c = c.toLowerCase();
    const ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c === '_' || c === '-';
    if (!ok) c = '-';
    if (c === '-' && out.endsWith('-')) continue;
    out += c;
  }
  if (out.startsWith('-')) out = out.slice(1);
  if (out.endsWith('-')) out = out.slice(0, -1);
  return out;
}

function requiredText(value: string, label: string, max: number): string | undefined {
  if (BLANK.test(value)) return `${label} is required`;
  if (textLength(value) > max) return `${label} must be at most ${max} characters`;
  if (CONTROL.test(value)) return `${label} must not contain control characters`;
  return undefined;
}

/** An integer typed as digits only, within [min, max]; null otherwise. */
export function parseWholeNumber(text: string, min: number, max: number): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : null;
}

/** `createdBy` is checked when given (open mode); signed in, the server knows the creator. */
export function validateCreateForm(values: CreateFormValues, createdBy?: string): CreateFormErrors {
  const errors: CreateFormErrors = {};

  const roomError = requiredText(values.roomName, 'Room name', LIMITS.roomNameMax);
  if (roomError) errors.roomName = roomError;
  else if (!sanitizeRoomName(values.roomName)) {
    errors.roomName = "Room name must contain at least one letter, digit, '-' or '_'";
  }

  const titleError = requiredText(values.title, 'Title', LIMITS.titleMax);
  if (titleError) errors.title = titleError;

  if (textLength(values.description) > LIMITS.descriptionMax) {
    errors.description = `Description must be at most ${LIMITS.descriptionMax} characters`;
  } else if (CONTROL_EXCEPT_LINES.test(values.description)) {
    errors.description = 'Description must not contain control characters';
  }

  const creatorError = createdBy === undefined ? undefined : requiredText(createdBy, 'Your user ID', LIMITS.createdByMax);
  if (creatorError) errors.createdBy = creatorError;

  if (parseWholeNumber(values.maxParticipants, LIMITS.maxParticipantsMin, LIMITS.maxParticipantsMax) === null) {
    errors.maxParticipants = `Enter a whole number from ${LIMITS.maxParticipantsMin} to ${LIMITS.maxParticipantsMax}`;
  }
  if (parseWholeNumber(values.emptyTimeout, LIMITS.emptyTimeoutMin, LIMITS.emptyTimeoutMax) === null) {
    errors.emptyTimeout = `Enter a whole number of seconds from ${LIMITS.emptyTimeoutMin} to ${LIMITS.emptyTimeoutMax}`;
  }
  return errors;
}

/** The request body for valid values (call validateCreateForm first); `createdBy` only when given. */
export function toCreateRequest(values: CreateFormValues, createdBy?: string): CreateLivestreamRequest {
  const description = values.description.trim();
  return {
    roomName: values.roomName.trim(),
    title: values.title.trim(),
    ...(description ? { description } : {}),
    ...(createdBy === undefined ? {} : { createdBy }),
    maxParticipants: Number(values.maxParticipants.trim()),
    emptyTimeout: Number(values.emptyTimeout.trim()),
    visibility: values.visibility,
  };
}
