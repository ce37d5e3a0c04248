const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

/**
 * A time relative to `now`, in words: "just now", "3 min ago", "in 2 h", "in 3 days"; past a
 * week, null (show the date instead). Future times read forward: a silence that ends in two
 * hours once read "Ends just now".
 */
export function relativeTime(thenMs: number, nowMs: number): string | null {
  const delta = thenMs - nowMs;
  const ahead = delta > 0;
  const size = Math.abs(delta);
  const say = (amount: string) => (ahead ? `in ${amount}` : `${amount} ago`);
  // Rounded, not cut: a silence ending in 1 h 59 min ends "in 2 h".
  if (size < 45_000) return ahead ? 'in under a minute' : 'just now';
  const minutes = Math.max(1, Math.round(size / minute));
  if (minutes < 60) return say(`${minutes} min`);
  const hours = Math.round(size / hour);
  if (hours < 24) return say(`${hours} h`);
  const days = Math.round(size / day);
  if (days < 7) return say(days === 1 ? '1 day' : `${days} days`);
  return null;
}

/** The exact time with its zone, for hover and focus ("4 Dec 2026, 21:05:00 UTC"). */
export function absoluteTime(date: Date, timeZone?: string): string {
  return date.toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'long',
    ...(timeZone === undefined ? {} : { timeZone }),
  });
}
