import {
  CASE_STREAM_PREFIX,
  caseDecider,
  caseView,
  SUBSCRIBER_STREAM_PREFIX,
  subscriberDecider,
  subscriberView,
  type CaseState,
  type SubscriberState,
} from '@libs/domain';
import type { Folder } from './state.js';

// Stream naming is the domain's (domain.md §3); re-exported for the audit library's users.
export { CASE_STREAM_PREFIX, caseStream, SUBSCRIBER_STREAM_PREFIX, subscriberStream } from '@libs/domain';

/** How to fold one kind of stream and show the result. */
export interface AuditedAggregate<S = unknown> {
  kind: 'subscriber' | 'case';
  prefix: string;
  folder: Folder<S>;
  /** JSON view of the state, or null while the aggregate does not exist yet. */
  view(state: S): unknown;
}

const subscriberAggregate: AuditedAggregate<SubscriberState> = {
  kind: 'subscriber',
  prefix: SUBSCRIBER_STREAM_PREFIX,
  folder: subscriberDecider as unknown as Folder<SubscriberState>,
  view: (state) => (state.exists ? subscriberView(state) : null),
};

const caseAggregate: AuditedAggregate<CaseState> = {
  kind: 'case',
  prefix: CASE_STREAM_PREFIX,
  folder: caseDecider as unknown as Folder<CaseState>,
  view: (state) => (state.exists ? caseView(state) : null),
};

/** The aggregate a stream belongs to by its name, or undefined for streams of no aggregate. */
export function aggregateOfStream(streamId: string): AuditedAggregate | undefined {
  if (streamId.startsWith(SUBSCRIBER_STREAM_PREFIX)) return subscriberAggregate as AuditedAggregate;
  if (streamId.startsWith(CASE_STREAM_PREFIX)) return caseAggregate as AuditedAggregate;
  return undefined;
}
