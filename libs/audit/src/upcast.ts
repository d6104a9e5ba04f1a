import { decodeEvent } from '@libs/codec';
import type { StoredEvent } from '@libs/event-store';

/** Turns a stored event into the event a reader is given (same envelope). */
export type EventUpcaster = (event: StoredEvent) => StoredEvent;

/** Leaves events exactly as stored: what the hash chain protects. */
export const asStored: EventUpcaster = (event) => event;

/** Today's contracts: the codec's {@link decodeEvent} (see @libs/codec), not a copy of it. */
export const upcastToCurrent: EventUpcaster = decodeEvent;
