export type Theme = 'dark' | 'light';
const storageKey = 'steady-theme';

/** The saved theme; dark unless the user chose light (people use this at 2 AM). */
export function savedTheme(): Theme {
  try {
    return window.localStorage.getItem(storageKey) === 'light' ? 'light' : 'dark';
  } catch {
    return 'dark';
  }
}

/** Applies and remembers a theme. */
export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  try {
    window.localStorage.setItem(storageKey, theme);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}
