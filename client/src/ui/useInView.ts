// Whether an element is on screen, from IntersectionObserver (true when it is unavailable).
import { useEffect, useState, type RefObject } from 'react';

export function useInView(ref: RefObject<Element | null>, options: { once?: boolean; rootMargin?: string } = {}): boolean {
  const { once = false, rootMargin = '0px' } = options;
  const [inView, setInView] = useState(false);

  useEffect(() => {
    const element = ref.current;
    if (!element) return undefined;
    if (typeof IntersectionObserver === 'undefined') {
      setInView(true);
      return undefined;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        const visible = entries.some((entry) => entry.isIntersecting);
        setInView(visible);
        if (visible && once) observer.disconnect();
      },
      { rootMargin },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, once, rootMargin]);

  return inView;
}
