/**
 * The seam between the adapter and the gRPC client library. Everything here is plain data, so the
 * adapter and the mapping modules never load the client: only `client.ts` does, and moving to
 * `@kurrent/kurrentdb-client` means rewriting that one file against this interface.
 *
 * The shapes mirror the client's own (`Position`, `AppendExpectedRevision`, `RecordedEvent`), so
 * the client's values pass through unchanged.
 */

/** A position in the transaction log, as the client reports it. */
export interface EsdbPosition {
  commit: bigint;
  prepare: bigint;
}

/** The client's expected-revision values (`expectedRevision` in db-client 6, `streamState` in kurrentdb-client). */
export type EsdbExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

/** What the client reports as a stream's current revision. */
export type EsdbCurrentRevision = 'no_stream' | bigint;

/** A JSON event as it is handed to the client for writing. */
export interface EsdbEventData {
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** A recorded event as the client returns it (links are never resolved by the adapter). */
export interface EsdbRecordedEvent {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  isJson: boolean;
  data: unknown;
  metadata: unknown;
  /** Present on reads of $all, and on stream reads from servers newer than 22.6. */
  position?: EsdbPosition;
}

export interface EsdbAppendResult {
  /** Revision of the stream after the append: the last event written. */
  nextExpectedRevision: bigint;
  /** Absent when the server does not report it (e.g. some idempotent repeats). */
  position?: EsdbPosition;
}

export interface EsdbReadStreamOptions {
  direction: 'forwards' | 'backwards';
  /** Inclusive; 'start' / 'end' as in the client. */
  fromRevision: bigint | 'start' | 'end';
  maxCount: number;
}

export interface EsdbReadAllOptions {
  direction: 'forwards' | 'backwards';
  /** Inclusive, as in the client. */
  fromPosition: EsdbPosition | 'start' | 'end';
  maxCount: number;
}

/** A server-side filter for subscriptions to $all, in the client's terms. */
export type EsdbServerFilter =
  | { filterOn: 'streamName'; prefixes: string[] }
  | { filterOn: 'streamName'; regex: string }
  | { filterOn: 'eventType'; prefixes: string[] }
  | { filterOn: 'eventType'; regex: string };

/** A live subscription to $all. */
export interface EsdbLiveFeed {
  close(): Promise<void>;
}

export interface EsdbWatchHandlers {
  /** Called for every event the server pushes (after the filter). */
  onEvent(event: EsdbRecordedEvent): void;
  /** Called when the server has confirmed the subscription. */
  onReady?(): void;
  /** Called once when the feed ends or fails; the feed is then dead. */
  onDrop(error?: unknown): void;
}

/** The operations the adapter needs from EventStoreDB / KurrentDB. */
export interface EsdbConnection {
  /**
   * Appends with an expected revision. Must throw the client's `WrongExpectedVersionError` (or an
   * error of the same shape: `type: 'wrong-expected-version'`, `actualVersion`) on a conflict.
   */
  append(streamId: string, events: EsdbEventData[], expectedRevision: EsdbExpectedRevision): Promise<EsdbAppendResult>;
  /** Reads a stream; yields nothing for a stream that does not exist. */
  readStream(streamId: string, options: EsdbReadStreamOptions): AsyncIterable<EsdbRecordedEvent>;
  /** Reads $all, system events included (the adapter filters). */
  readAll(options: EsdbReadAllOptions): AsyncIterable<EsdbRecordedEvent>;
  /** Live subscription to $all from its end with a server-side filter. */
  watch(filter: EsdbServerFilter, handlers: EsdbWatchHandlers): EsdbLiveFeed;
  /** One bounded round trip to the server; rejects when it cannot be reached within `timeoutMs`. */
  ping(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}
