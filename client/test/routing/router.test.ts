// Path matching of the two pages and the room link format.
import { describe, expect, it } from 'vitest';
import { matchRoute, roomPath } from '../../src/routing/router';

describe('matchRoute', () => {
  it('matches the list page', () => {
    expect(matchRoute('/', '?status=LIVE')).toEqual({ page: 'livestreams' });
  });

  it('matches a room with its role, viewer unless host is asked for', () => {
    expect(matchRoute('/livestreams/abc/room', '?role=host')).toEqual({ page: 'room', livestreamId: 'abc', role: 'host' });
    expect(matchRoute('/livestreams/abc/room', '?role=viewer')).toEqual({ page: 'room', livestreamId: 'abc', role: 'viewer' });
    expect(matchRoute('/livestreams/abc/room', '')).toEqual({ page: 'room', livestreamId: 'abc', role: 'viewer' });
  });

  it('reports anything else as not found', () => {
    expect(matchRoute('/livestreams/abc', '')).toEqual({ page: 'not_found' });
    expect(matchRoute('/nope', '')).toEqual({ page: 'not_found' });
  });

  it('round-trips a room path', () => {
    const path = roomPath('a/b', 'host');
    const [pathname, search] = path.split('?');
    expect(matchRoute(pathname ?? '', `?${search ?? ''}`)).toEqual({ page: 'room', livestreamId: 'a/b', role: 'host' });
  });
});
