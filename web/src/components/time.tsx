import { absoluteTime, relativeTime } from './relative-time.ts';

/**
 * A time in words relative to now ("3 min ago", "in 2 h"), the date past a week; the exact
 * time with its zone on hover and on keyboard focus.
 */
export function Ago({ iso }: { iso: string | null }) {
  if (iso === null) return <span className="muted">—</span>;
  const date = new Date(iso);
  const exact = absoluteTime(date);
  const text = relativeTime(date.getTime(), Date.now()) ?? date.toLocaleString();
  return (
    <time dateTime={iso} title={exact} data-exact={exact} tabIndex={0}>
      {text}
    </time>
  );
}
