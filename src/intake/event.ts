// The normalised alert event every intake adapter produces, whatever the sender's format.

export const eventActions = ['trigger', 'acknowledge', 'resolve'] as const;
export type EventAction = (typeof eventActions)[number];

export const severities = ['critical', 'error', 'warning', 'info'] as const;
export type Severity = (typeof severities)[number];

export interface AlertLink {
  href: string;
  text: string;
}

export interface AlertImage {
  src: string;
  href?: string;
  alt?: string;
}

/** One event about one alert, ready for the event log. */
export interface NormalizedEvent {
  action: EventAction;
  /** Events with the same integration and dedup key are about the same alert. */
  dedupKey: string;
  summary: string;
  severity: Severity;
  source: string | null;
  component: string | null;
  group: string | null;
  class: string | null;
  /** When the sender says it happened (clamped to a sane range), or null. */
  occurredAt: number | null;
  labels: Record<string, string>;
  /** Free-form context (custom details, annotations), or null. */
  details: unknown;
  links: AlertLink[];
  images: AlertImage[];
}

/** Why an adapter refused a request; the route turns it into the sender's error format. */
export interface IntakeRejection {
  status: 400 | 401 | 404 | 413 | 415;
  code:
    | 'invalid_event'
    | 'invalid_json'
    | 'signature_invalid'
    | 'timestamp_out_of_tolerance'
    | 'unsupported_media_type';
  message: string;
  field?: string;
}

export type ParseOutcome =
  { ok: true; events: NormalizedEvent[] } | { ok: false; rejection: IntakeRejection };

/** What a pure adapter may need from outside: the time and a source of fresh dedup keys. */
export interface ParseContext {
  receivedAt: number;
  newDedupKey(): string;
}

/** A 400 for a bad field. */
export function invalidEvent(field: string, message: string): ParseOutcome {
  return { ok: false, rejection: { status: 400, code: 'invalid_event', message, field } };
}
