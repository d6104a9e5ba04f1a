import { openEventStore, type EventStoreConfig, type OpenedEventStore } from '@libs/event-store';
import { domainEventStore } from './domain-event-store.js';

/** Opens the configured backend behind the codec: what every process of the service uses. */
export async function openDomainEventStore(config: EventStoreConfig): Promise<OpenedEventStore> {
  const opened = await openEventStore(config);
  return { ...opened, store: domainEventStore(opened.store) };
}
