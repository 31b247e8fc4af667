// Create-form rules: the same limits and room-name sanitising as the server.
import { describe, expect, it } from 'vitest';
import {
  INITIAL_VALUES,
  parseWholeNumber,
  sanitizeRoomName,
  toCreateRequest,
  validateCreateForm,
  type CreateFormValues,
} from '../../src/livestreams/createForm';

const valid: CreateFormValues = { ...INITIAL_VALUES, roomName: 'my-room', title: 'My show' };
const errorsFor = (values: Partial<CreateFormValues>, createdBy = 'alice') => validateCreateForm({ ...valid, ...values }, createdBy);

describe('sanitizeRoomName', () => {
  it.each([
    ['My Room', 'my-room'],
    ['  padded  ', 'padded'],
    ['a!!!b', 'a-b'],
    ['--x--', 'x'],
    ['Snake_case-OK', 'snake_case-ok'],
    ['café crème', 'caf-cr-me'],
    ['émoji 🎉 party', 'moji-party'],
    ['!!!', ''],
    ['UPPER123', 'upper123'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeRoomName(input)).toBe(expected);
  });
});

describe('validateCreateForm', () => {
  it('accepts the defaults with a room name and title', () => {
    expect(errorsFor({})).toEqual({});
  });

  it('checks no creator when none is named (signed in: the server knows it)', () => {
    expect(validateCreateForm(valid)).toEqual({});
    expect(validateCreateForm(valid, '').createdBy).toBeTruthy();
  });

  it('requires room name and title (blank counts as missing)', () => {
    const errors = errorsFor({ roomName: '   ', title: '' });
    expect(errors.roomName).toMatch(/required/);
    expect(errors.title).toMatch(/required/);
  });

  it('rejects a room name with nothing left after sanitising', () => {
    expect(errorsFor({ roomName: '!!!' }).roomName).toMatch(/at least one letter/);
  });

  it('bounds room name at 128, title at 200 and description at 2000 characters', () => {
    expect(errorsFor({ roomName: 'r'.repeat(128) }).roomName).toBeUndefined();
    expect(errorsFor({ roomName: 'r'.repeat(129) }).roomName).toMatch(/at most 128/);
    expect(errorsFor({ title: 't'.repeat(200) }).title).toBeUndefined();
    expect(errorsFor({ title: 't'.repeat(201) }).title).toMatch(/at most 200/);
    expect(errorsFor({ description: 'd'.repeat(2000) }).description).toBeUndefined();
    expect(errorsFor({ description: 'd'.repeat(2001) }).description).toMatch(/at most 2000/);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(errorsFor({ title: '🎉'.repeat(200) }).title).toBeUndefined();
  });

  it('allows line breaks in the description but not in the title', () => {
    expect(errorsFor({ description: 'line one\nline two\ttab' }).description).toBeUndefined();
    expect(errorsFor({ title: 'two\nlines' }).title).toMatch(/control characters/);
    expect(errorsFor({ description: 'bell\u0007' }).description).toMatch(/control characters/);
  });

  it('requires the creator id and bounds it at 128', () => {
    expect(errorsFor({}, '').createdBy).toMatch(/required/);
    expect(errorsFor({}, 'u'.repeat(129)).createdBy).toMatch(/at most 128/);
  });

  it.each([
    ['1', true],
    ['10000', true],
    ['0', false],
    ['10001', false],
    ['1.5', false],
    ['-3', false],
    ['abc', false],
    ['', false],
  ])('maxParticipants %j valid: %s', (value, ok) => {
    expect(errorsFor({ maxParticipants: value }).maxParticipants === undefined).toBe(ok);
  });

  it.each([
    ['0', true],
    ['604800', true],
    ['604801', false],
    ['-1', false],
    ['1e3', false],
  ])('emptyTimeout %j valid: %s', (value, ok) => {
    expect(errorsFor({ emptyTimeout: value }).emptyTimeout === undefined).toBe(ok);
  });
});

describe('parseWholeNumber', () => {
  it('accepts surrounding spaces and rejects anything but digits', () => {
    expect(parseWholeNumber(' 42 ', 1, 100)).toBe(42);
    expect(parseWholeNumber('+42', 1, 100)).toBeNull();
    expect(parseWholeNumber('0x10', 1, 100)).toBeNull();
  });
});

describe('toCreateRequest', () => {
  it('sends numbers, trims text and omits an empty description', () => {
    expect(toCreateRequest({ ...valid, title: '  My show ', maxParticipants: '25', emptyTimeout: '60' }, 'alice')).toEqual({
      roomName: 'my-room',
      title: 'My show',
      createdBy: 'alice',
      maxParticipants: 25,
      emptyTimeout: 60,
      visibility: 'public',
    });
    expect(toCreateRequest({ ...valid, description: ' hi ' }, 'alice').description).toBe('hi');
  });

  it('leaves the creator out when the server takes it from the session, and sends the visibility', () => {
    const request = toCreateRequest({ ...valid, visibility: 'private' });
    expect(request).not.toHaveProperty('createdBy');
    expect(request.visibility).toBe('private');
  });
});
