import { useEffect, useRef } from 'react';

/**
 * Listens to a server-sent-events stream and calls `onChange` (at most every `debounceMs`)
 * when an event of `type` arrives. The browser reconnects by itself after a drop.
 */
export function useLiveUpdates(
  url: string,
  type: string,
  onChange: () => void,
  debounceMs = 400,
): void {
  const callback = useRef(onChange);
  callback.current = onChange;
  useEffect(() => {
    const source = new EventSource(url);
    let timer: number | undefined;
    const handle = () => {
      if (timer !== undefined) return;
      timer = window.setTimeout(() => {
        timer = undefined;
        callback.current();
      }, debounceMs);
    };
    source.addEventListener(type, handle);
    return () => {
      source.close();
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [url, type, debounceMs]);
}
