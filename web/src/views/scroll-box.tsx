import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

/**
 * A box that scrolls sideways when its content is wider (a table on a phone, a row of tabs) and
 * shows it: a shadow at each edge with more beyond (`data-more="left right"`, styles.css).
 */
export function ScrollBox({ class: cls, children }: { class?: string; children: ComponentChildren }) {
  const box = useRef<HTMLDivElement>(null);
  const [more, setMore] = useState('');
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => {
      const left = el.scrollLeft > 1;
      const right = el.scrollLeft + el.clientWidth < el.scrollWidth - 1;
      setMore(`${left ? 'left' : ''} ${right ? 'right' : ''}`.trim());
    };
    measure();
    el.addEventListener('scroll', measure, { passive: true });
    const resized = new ResizeObserver(measure);
    resized.observe(el);
    for (const child of el.children) resized.observe(child);
    return () => {
      el.removeEventListener('scroll', measure);
      resized.disconnect();
    };
  }, []);
  return (
    // A box that scrolls is reachable by keyboard, to scroll it with the arrow keys.
    <div
      ref={box}
      class={`scroll-box ${cls ?? ''}`}
      data-more={more || undefined}
      tabIndex={more ? 0 : undefined}
    >
      {children}
    </div>
  );
}
