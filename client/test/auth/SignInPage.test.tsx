// Sign-in and sign-up pages: checks before sending, the server's refusals in words (wrong
// credentials, 429 with how long to wait), and back to where the user came from.
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SignInPage } from '../../src/auth/SignInPage';
import { SignUpPage } from '../../src/auth/SignUpPage';
import { validateSignUp } from '../../src/auth/credentials';
import { ACCOUNTS_CONFIG, AuthHarness, currentUser, OPEN_CONFIG } from '../support/auth';
import { jsonResponse } from '../support/fixtures';

const fetchMock = vi.fn<typeof fetch>();

beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal('fetch', fetchMock);
  window.history.replaceState(null, '', '/signin?next=%2Flivestreams%2Fls1%2Froom%3Frole%3Dviewer');
});

const failure = (status: number, error: string, message: string, headers: Record<string, string> = {}) =>
  jsonResponse({ success: false, error, message, statusCode: status }, status, headers);

function renderSignIn(config = ACCOUNTS_CONFIG) {
  render(
    <AuthHarness config={config} user={null}>
      <SignInPage />
    </AuthHarness>,
  );
  return userEvent.setup();
}

async function fillAndSubmit(user: ReturnType<typeof userEvent.setup>, username: string, password: string) {
  await user.type(screen.getByLabelText('Username'), username);
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('SignInPage', () => {
  it('checks the fields before sending anything', async () => {
    const user = renderSignIn();
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByText('Enter a username')).toBeTruthy();
    expect(screen.getByText('Enter your password')).toBeTruthy();
    expect(screen.getByLabelText('Username').getAttribute('aria-invalid')).toBe('true');

    await user.type(screen.getByLabelText('Username'), 'no spaces');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByText(/Use only letters, digits/)).toBeTruthy();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("shows the server's message for wrong credentials", async () => {
    fetchMock.mockResolvedValue(failure(401, 'AuthenticationError', 'Invalid username or password'));
    const user = renderSignIn();
    await fillAndSubmit(user, 'alice', 'wrong password');
    expect((await screen.findByRole('alert')).textContent).toContain('Invalid username or password');
    expect(window.location.pathname).toBe('/signin');
  });

  it('tells how long to wait, in words, when throttled (429 + Retry-After)', async () => {
    fetchMock.mockResolvedValue(failure(429, 'RateLimitError', 'Too many login attempts', { 'Retry-After': '90' }));
    const user = renderSignIn();
    await fillAndSubmit(user, 'alice', 'whatever123');
    expect((await screen.findByRole('alert')).textContent).toContain('Too many attempts. Try again in 2 minutes.');
  });

  it('sends the username lowercased and goes back to the page it came from', async () => {
    fetchMock.mockResolvedValue(jsonResponse({ success: true, data: { user: currentUser() } }));
    const user = renderSignIn();
    await fillAndSubmit(user, 'Alice', 'correct horse');
    await waitFor(() => expect(window.location.pathname).toBe('/livestreams/ls1/room'));
    expect(window.location.search).toBe('?role=viewer');
    expect(JSON.parse(String(fetchMock.mock.calls[0]?.[1]?.body))).toEqual({ username: 'alice', password: 'correct horse' });
  });

  it('never follows a next= that leaves the site', async () => {
    window.history.replaceState(null, '', '/signin?next=%2F%2Fevil.example');
    fetchMock.mockResolvedValue(jsonResponse({ success: true, data: { user: currentUser() } }));
    const user = renderSignIn();
    await fillAndSubmit(user, 'alice', 'correct horse');
    await waitFor(() => expect(window.location.pathname).toBe('/'));
  });

  it('has nothing to sign in to in open mode', () => {
    renderSignIn(OPEN_CONFIG);
    expect(screen.queryByLabelText('Password')).toBeNull();
    expect(screen.getByText(/open mode/)).toBeTruthy();
  });
});

describe('SignUpPage', () => {
  it('applies the server rules to username and password', () => {
    expect(validateSignUp({ username: 'al', displayName: '', password: 'short', confirmPassword: 'short' })).toEqual({
      username: 'Usernames have 3 to 32 characters',
      password: 'Password must have at least 8 characters',
    });
    expect(validateSignUp({ username: 'a'.repeat(33), displayName: '', password: 'x'.repeat(257), confirmPassword: '' })).toMatchObject({
      username: 'Usernames have 3 to 32 characters',
      password: 'Password must have at most 256 characters',
    });
    expect(validateSignUp({ username: 'bob.smith_1-x', displayName: 'Bob', password: 'long enough', confirmPassword: 'long enougH' })).toEqual({
      confirmPassword: 'The passwords do not match',
    });
    expect(validateSignUp({ username: 'BOB', displayName: '', password: 'long enough', confirmPassword: 'long enough' })).toEqual({});
  });

  it('creates the account and shows the server refusal when the username is taken', async () => {
    window.history.replaceState(null, '', '/signup');
    fetchMock.mockResolvedValue(failure(409, 'ConflictError', 'That username is taken'));
    render(
      <AuthHarness config={ACCOUNTS_CONFIG} user={null}>
        <SignUpPage />
      </AuthHarness>,
    );
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Username'), 'bob');
    await user.type(screen.getByLabelText(/Display name/), 'Bob');
    await user.type(screen.getByLabelText('Password'), 'long enough');
    await user.type(screen.getByLabelText('Repeat the password'), 'long enough');
    await user.click(screen.getByRole('button', { name: 'Sign up' }));

    expect((await screen.findByRole('alert')).textContent).toContain('That username is taken');
    expect(JSON.parse(String(fetchMock.mock.calls[0]?.[1]?.body))).toEqual({ username: 'bob', password: 'long enough', displayName: 'Bob' });
  });

  it('says so when sign-up is closed', () => {
    window.history.replaceState(null, '', '/signup');
    render(
      <AuthHarness config={{ ...ACCOUNTS_CONFIG, signup: 'closed' }} user={null}>
        <SignUpPage />
      </AuthHarness>,
    );
    expect(screen.getByText(/Sign-up is closed/)).toBeTruthy();
    expect(screen.queryByLabelText('Password')).toBeNull();
  });
});
