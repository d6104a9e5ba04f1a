import { openEventStore } from '@libs/event-store';
import { appendChainV1Sql } from '../support/legacy-chain.js';
import { describeEventStoreContract } from './contract.js';

describeEventStoreContract('PGlite (in memory)', async () => {
  const opened = await openEventStore({ backend: 'pglite' });
  return { ...opened, appendChainV1: (streamId, events) => appendChainV1Sql(opened.db, streamId, events) };
});
