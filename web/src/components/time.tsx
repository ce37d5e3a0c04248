/** "3 min ago" for recent times, the local date and time otherwise; the exact time on hover. */
export function Ago({ iso }: { iso: string | null }) {
  if (iso === null) return <span className="muted">—</span>;
  const date = new Date(iso);
  const seconds = Math.round((Date.now() - date.getTime()) / 1000);
  let text: string;
  if (seconds < 60) text = 'just now';
  else if (seconds < 3600) text = `${Math.floor(seconds / 60)} min ago`;
  else if (seconds < 86_400) text = `${Math.floor(seconds / 3600)} h ago`;
  else text = date.toLocaleString();
  return (
    <time dateTime={iso} title={date.toLocaleString()}>
      {text}
    </time>
  );
}
