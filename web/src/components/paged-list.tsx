import { useCallback, useEffect, useState } from 'react';
import { api } from '../api.ts';
import { navigate } from '../router.tsx';
import { useLiveUpdates } from './live.ts';

/** The status filters of the alert and incident lists ('' is "all"). */
export const statusFilters = [
  { value: 'open', label: 'Open' },
  { value: 'triggered', label: 'Triggered' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'resolved', label: 'Resolved' },
  { value: '', label: 'All' },
] as const;

/** A segmented control for `statusFilters`. */
export function StatusSegments({
  status,
  onChange,
}: {
  status: string;
  onChange: (status: string) => void;
}) {
  return (
    <div className="segmented" role="group" aria-label="Status">
      {statusFilters.map((f) => (
        <button
          key={f.value}
          type="button"
          className={status === f.value ? 'active' : ''}
          aria-pressed={status === f.value}
          onClick={() => onChange(f.value)}
        >
          {f.label}
        </button>
      ))}
    </div>
  );
}

/**
 * Sets one filter of a list page in the URL (so it survives a reload and can be shared).
 * An empty value removes the filter, except `status`, where '' means "all".
 */
export function setListFilter(pagePath: string, name: string, value: string): void {
  const next = new URLSearchParams(window.location.search);
  if (value === '' && name !== 'status') next.delete(name);
  else next.set(name, value);
  navigate(`${pagePath}?${next.toString()}`, { replace: true });
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PagedList<T> {
  loaded: boolean;
  rows: T[];
  hasMore: boolean;
  error: unknown;
  setError: (error: unknown) => void;
  loadMore: () => Promise<void>;
}

/**
 * A cursor-paginated list from the API that reloads when its stream says something changed:
 * the rows so far, whether there are more, and loading the next page.
 */
export function usePagedList<T>(
  listUrl: string,
  stream: { url: string; event: string },
): PagedList<T> {
  const [page, setPage] = useState<Page<T> | null>(null);
  const [more, setMore] = useState<T[]>([]);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      setPage(await api<Page<T>>('GET', listUrl));
      setMore([]);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [listUrl]);
  useEffect(() => void load(), [load]);
  useLiveUpdates(stream.url, stream.event, () => void load());

  async function loadMore() {
    const cursor = page?.nextCursor ?? null;
    if (cursor === null) return;
    const separator = listUrl.includes('?') ? '&' : '?';
    const next = await api<Page<T>>(
      'GET',
      `${listUrl}${separator}cursor=${encodeURIComponent(cursor)}`,
    );
    setMore((m) => [...m, ...next.items]);
    setPage((p) => (p === null ? p : { ...p, nextCursor: next.nextCursor }));
  }

  return {
    loaded: page !== null,
    rows: [...(page?.items ?? []), ...more],
    hasMore: page?.nextCursor != null,
    error,
    setError,
    loadMore,
  };
}
