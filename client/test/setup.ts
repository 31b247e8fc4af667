// Vitest setup: on-screen detection that works in happy-dom, and unmounting between tests.
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';
import { VisibleIntersectionObserver } from './support/intersectionObserver';

beforeEach(() => {
  vi.stubGlobal('IntersectionObserver', VisibleIntersectionObserver);
});

afterEach(() => {
  cleanup();
  window.localStorage.clear();
});
