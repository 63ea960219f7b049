import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

interface Props<T> {
  items: T[];
  keyOf: (item: T) => string;
  render: (item: T) => ComponentChildren;
  /** Every cell has this height (px); columns are as many as fit `minWidth`. */
  rowHeight: number;
  minWidth: number;
  gap: number;
}

/**
 * A grid that renders only the rows in and near the window's viewport: 1,000 cards cost what 40 do.
 * The page itself scrolls (no inner scroll box), so keyboard, find-in-page and phones behave as usual.
 */
export function VirtualGrid<T>({ items, keyOf, render, rowHeight, minWidth, gap }: Props<T>) {
  const ref = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ width: 0, top: 0, height: 800 });
  useLayoutEffect(() => {
    const measure = () => {
      const el = ref.current;
      if (!el) return;
      const rect = el.getBoundingClientRect();
      setView((v) => {
        const next = { width: el.clientWidth, top: Math.max(0, -rect.top), height: window.innerHeight };
        return v.width === next.width && v.top === next.top && v.height === next.height ? v : next;
      });
    };
    measure();
    window.addEventListener('scroll', measure, { passive: true });
    window.addEventListener('resize', measure);
    return () => {
      window.removeEventListener('scroll', measure);
      window.removeEventListener('resize', measure);
    };
  }, []);
  const columns = Math.max(1, Math.floor((view.width + gap) / (minWidth + gap)));
  const rows = Math.ceil(items.length / columns);
  const pitch = rowHeight + gap;
  const first = Math.max(0, Math.floor(view.top / pitch) - 2);
  const last = Math.min(rows, Math.ceil((view.top + view.height) / pitch) + 2);
  const slice = items.slice(first * columns, last * columns);
  return (
    <div ref={ref} class="vgrid" style={{ height: `${Math.max(0, rows * pitch - gap)}px` }} role="list">
      <div
        class="vgrid-rows"
        style={{
          transform: `translateY(${first * pitch}px)`,
          gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
          gridAutoRows: `${rowHeight}px`,
          gap: `${gap}px`,
        }}
      >
        {view.width > 0 &&
          slice.map((item) => (
            <div role="listitem" key={keyOf(item)}>
              {render(item)}
            </div>
          ))}
      </div>
    </div>
  );
}
