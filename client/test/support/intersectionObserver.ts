// An IntersectionObserver for tests: every observed element counts as on screen at once
// (happy-dom's never reports anything), and tests can see what is being observed.
export class VisibleIntersectionObserver {
  static observed = new Set<Element>();
  private readonly callback: IntersectionObserverCallback;
  private readonly targets = new Set<Element>();

  constructor(callback: IntersectionObserverCallback) {
    this.callback = callback;
  }

  observe(target: Element): void {
    this.targets.add(target);
    VisibleIntersectionObserver.observed.add(target);
    const entry = { isIntersecting: true, target, intersectionRatio: 1 } as IntersectionObserverEntry;
    queueMicrotask(() => {
      if (this.targets.has(target)) this.callback([entry], this as unknown as IntersectionObserver);
    });
  }

  unobserve(target: Element): void {
    this.targets.delete(target);
    VisibleIntersectionObserver.observed.delete(target);
  }

  disconnect(): void {
    for (const target of this.targets) VisibleIntersectionObserver.observed.delete(target);
    this.targets.clear();
  }

  takeRecords(): IntersectionObserverEntry[] {
    return [];
  }
}
