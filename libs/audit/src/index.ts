/**
 * @libs/audit — what auditors and subscribing services need from the log, without HTTP: a
 * stream's history (upcast on read), state as of an instant or version, verification of the
 * hash chain of one stream or all, JSON Lines export. Used by the service's audit module and by
 * the audit CLI (`apps/audit-cli`).
 */
export { asStored, upcastToCurrent, type EventUpcaster } from './upcast.js';
export { peek, streamHistory, type HistoryOptions } from './history.js';
export { foldAsOf, stateAsOf, type AsOf, type FoldedState, type Folder } from './state.js';
export {
  verifyAllStreams,
  verifyStream,
  type StreamVerification,
  type VerifyAllOptions,
  type VerifyAllResult,
  type VerifyProgress,
} from './verify.js';
export { drained, exportStream, jsonLines, writeWithBackpressure, type ExportOptions } from './json-lines.js';
export {
  aggregateOfStream,
  CASE_STREAM_PREFIX,
  caseStream,
  SUBSCRIBER_STREAM_PREFIX,
  subscriberStream,
  type AuditedAggregate,
} from './streams.js';
export * from './evidence/index.js';
export * from './export/index.js';
