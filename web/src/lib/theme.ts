import { Observable } from './observable.js';

export type Theme = 'system' | 'light' | 'dark';
const KEY = 'mcp-health.theme';

/** Follows the system unless a person chose; the choice is kept in this browser. */
export const theme = new Observable<Theme>((localStorage.getItem(KEY) as Theme | null) ?? 'system');

function apply(t: Theme): void {
  if (t === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = t;
}
apply(theme.get());
theme.subscribe((t) => {
  apply(t);
  if (t === 'system') localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, t);
});

export const nextTheme = (t: Theme): Theme => (t === 'system' ? 'light' : t === 'light' ? 'dark' : 'system');

const systemDark = matchMedia('(prefers-color-scheme: dark)');
const effective = (): 'light' | 'dark' => {
  const t = theme.get();
  return t === 'system' ? (systemDark.matches ? 'dark' : 'light') : t;
};

/**
 * The scheme in effect: the person's choice, else the system's, which can change while the page
 * is open (a canvas, unlike CSS, must be drawn again: charts watch this).
 */
export const scheme = new Observable<'light' | 'dark'>(effective());
systemDark.addEventListener('change', () => scheme.set(effective()));
theme.subscribe(() => scheme.set(effective()));
