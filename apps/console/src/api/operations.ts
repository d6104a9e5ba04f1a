/**
 * Reads of the operators' and executives' screens: the work queues and the approvals inbox. They
 * come from a read model (eventually consistent), so each asks for `minPosition` = the position of
 * the last command this console recorded: after "Recorded" the queues already show it.
 */
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client.js';
import type { components } from './schema.js';

let lastPosition: string | undefined;

/** Remembers the newest position a command answered (decimal strings, compared as big integers). */
export function notePosition(position: string | undefined): void {
  if (!position || !/^\d+$/.test(position)) return;
  if (lastPosition === undefined || BigInt(position) > BigInt(lastPosition)) lastPosition = position;
}
/** `minPosition` for a read-model query: the newest position this console's commands answered. */
export const readAfterLastCommand = (): { minPosition?: string } => (lastPosition ? { minPosition: lastPosition } : {});
const settled = readAfterLastCommand;

export const WORK_QUEUES = ['in-default', 'suspensions-due', 'unprofitable-without-case', 'open-cases', 'pending-cancellations', 'notices-ending'] as const;
export type WorkQueueName = (typeof WORK_QUEUES)[number];

/** The shapes are the service's own (generated from its OpenAPI document), never restated here. */
type Schemas = components['schemas'];
export type QueueCounts = Schemas['WorkQueueCounts'];
export const COUNT_OF: Record<WorkQueueName, keyof QueueCounts['counts']> = {
  'in-default': 'inDefault',
  'suspensions-due': 'suspensionsDue',
  'unprofitable-without-case': 'unprofitableWithoutCase',
  'open-cases': 'openCases',
  'pending-cancellations': 'pendingCancellations',
  'notices-ending': 'noticesEnding',
};

export type InDefaultItem = Schemas['InDefaultItem'];
export type SuspensionDueItem = Schemas['SuspensionDueItem'];
export type UnprofitableItem = Schemas['UnprofitableItem'];
export type OpenCaseItem = Schemas['OpenCaseItem'];
export type PendingCancellationItem = Schemas['PendingCancellationItem'];
export type NoticeEndingItem = Schemas['NoticeEndingItem'];
export type ApprovalItem = Schemas['ApprovalsQueue']['items'][number];
/** Each queue's row: the page schema lists the union; the route's `queue` says which member. */
export interface QueueItems {
  'in-default': InDefaultItem;
  'suspensions-due': SuspensionDueItem;
  'unprofitable-without-case': UnprofitableItem;
  'open-cases': OpenCaseItem;
  'pending-cancellations': PendingCancellationItem;
  'notices-ending': NoticeEndingItem;
}
export type QueuePage<T> = Omit<Schemas['WorkQueuePage'], 'items' | 'queue'> & { queue: string; items: T[] };

export function useQueueCounts(enabled: boolean) {
  return useQuery({
    queryKey: ['work-queues', 'counts'],
    enabled,
    staleTime: 10_000,
    queryFn: async () => unwrap<QueueCounts>(await api.GET('/v1/work-queues', { params: { query: settled() } })),
  });
}

/**
 * A queue, `limit` rows at a time: the first page at once, the next ones on demand (the service's
 * cursor), so a queue longer than a page can be worked to its end.
 */
export function useQueue<Q extends WorkQueueName>(queue: Q, limit = 100) {
  return useInfiniteQuery({
    queryKey: ['work-queues', queue, limit],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap<QueuePage<QueueItems[Q]>>(
        await api.GET('/v1/work-queues/{queue}', {
          params: { path: { queue }, query: { ...settled(), limit: String(limit), ...(pageParam ? { cursor: pageParam } : {}) } },
        } as never),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** The executive's inbox, a page at a time like the queues: an inbox longer than a page is worked to its end. */
export function useApprovals(enabled: boolean, limit = 100) {
  return useInfiniteQuery({
    queryKey: ['work-queues', 'approvals', limit],
    enabled,
    staleTime: 10_000,
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap<QueuePage<ApprovalItem>>(
        await api.GET('/v1/work-queues/approvals', { params: { query: { ...settled(), limit: String(limit), ...(pageParam ? { cursor: pageParam } : {}) } } } as never),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
