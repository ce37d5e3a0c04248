import type { ReactNode } from 'react';

const allowed = /^(https?:|mailto:)/i;

/**
 * A link from alert data: only http, https and mailto become links (a javascript: URL from a
 * sender stays text). Opens in a new tab without giving the opened page a handle on this one.
 */
export function SafeLink({ href, children }: { href: string; children: ReactNode }) {
  if (!allowed.test(href.trim())) return <span title={href}>{children}</span>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  );
}
