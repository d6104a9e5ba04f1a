/** Prefix of every subscriber's stream (domain.md §3: `subscriber-<subscriberId>`). */
export const SUBSCRIBER_STREAM_PREFIX = 'subscriber-';
/** Prefix of every case's stream (domain.md §3: `case-<caseId>`). */
export const CASE_STREAM_PREFIX = 'case-';

/** The stream of a subscriber. */
export function subscriberStream(subscriberId: string): string {
  return `${SUBSCRIBER_STREAM_PREFIX}${subscriberId}`;
}

/** The stream of a case. */
export function caseStream(caseId: string): string {
  return `${CASE_STREAM_PREFIX}${caseId}`;
}
