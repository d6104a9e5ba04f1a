import { openEventStore } from '@libs/event-store';
import { describeEventStoreContract } from './contract.js';

describeEventStoreContract('PGlite (in memory)', () => openEventStore({ backend: 'pglite' }));
