import { openEventStore } from '@libs/event-store';
import { relayEngineScenarios } from './engine-scenarios.js';

describe('relay engine (PGlite)', () => {
  relayEngineScenarios(() => openEventStore({ backend: 'pglite' }));
});
