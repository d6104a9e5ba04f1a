import kurrent from '@kurrent/kurrentdb-client';
import type { EsdbRecordedEvent } from './connection.js';
import { escapeRegex, isSystemEvent, matchesFilter, serverFilterFor, serverFilterKey, serverFilterMatches } from './filters.js';

const { streamNameFilter, eventTypeFilter, excludeSystemEvents } = kurrent;

const record = (streamId: string, type: string, isJson = true): EsdbRecordedEvent => ({
  streamId,
  type,
  isJson,
  id: '7f9c2f5e-3c2b-4f7a-9a51-0d6f4c1b2a3e',
  revision: 0n,
  data: {},
  metadata: {},
  position: { commit: 1n, prepare: 1n },
});

describe('filters on $all', () => {
  it('recognises system records by stream or type', () => {
    expect(isSystemEvent(record('$stats-127.0.0.1:2113', '$statsCollected'))).toBe(true);
    expect(isSystemEvent(record('$$subscriber-1', '$metadata'))).toBe(true);
    expect(isSystemEvent(record('$ce-subscriber', '$>'))).toBe(true);
    expect(isSystemEvent(record('subscriber-1', 'Enrolled'))).toBe(false);
  });

  it('applies types and stream prefix together, and never passes system or binary records', () => {
    const filter = { types: ['Enrolled', 'Paused'], streamPrefix: 'subscriber-' };
    expect(matchesFilter(record('subscriber-1', 'Enrolled'), filter)).toBe(true);
    expect(matchesFilter(record('subscriber-1', 'Resumed'), filter)).toBe(false);
    expect(matchesFilter(record('case-1', 'Enrolled'), filter)).toBe(false);
    expect(matchesFilter(record('subscriber-1', 'Enrolled', false), filter)).toBe(false);
    expect(matchesFilter(record('$subscriber-1', 'Enrolled'), {})).toBe(false);
    expect(matchesFilter(record('subscriber-1', 'Anything'))).toBe(true);
    // A prefix is literal: "_" is no wildcard.
    expect(matchesFilter(record('subscriberX1', 'Enrolled'), { streamPrefix: 'subscriber_' })).toBe(false);
  });

  it('builds the same filter objects as the client helpers', () => {
    expect(streamNameFilter({ prefixes: ['subscriber-'] })).toMatchObject(serverFilterFor({ streamPrefix: 'subscriber-', types: ['A'] }));
    const byType = serverFilterFor({ types: ['Paused', 'Enrolled', 'Paused'] });
    expect(byType).toEqual({ filterOn: 'eventType', regex: '^(?:Enrolled|Paused)$' });
    expect(eventTypeFilter({ regex: '^(?:Enrolled|Paused)$' })).toMatchObject(byType);
    expect(serverFilterFor({}).filterOn).toBe(excludeSystemEvents().filterOn);
  });

  it('matches server-side exactly what the client-side filter lets through for one criterion', () => {
    const samples = [
      record('subscriber-1', 'Enrolled'),
      record('subscriber-1', 'Enrolled.v2'),
      record('subscriber-1', 'EnrolledX'),
      record('case-1', 'Paused'),
      record('$stats', '$statsCollected'),
      record('x', 'A-B'),
      record('x', 'AxB'),
    ];
    for (const filter of [{ types: ['Enrolled', 'A-B'] }, { types: ['Enrolled.v2'] }, { streamPrefix: 'subscriber-' }, {}]) {
      const server = serverFilterFor(filter);
      for (const r of samples.filter((s) => !isSystemEvent(s))) expect(serverFilterMatches(server, r)).toBe(matchesFilter(r, filter));
    }
    // "no system events" agrees with the client's own excludeSystemEvents regex.
    const exclude = excludeSystemEvents();
    for (const r of samples) expect(serverFilterMatches(serverFilterFor({}), r)).toBe(new RegExp(exclude.regex).test(r.type));
  });

  it('escapes every regex metacharacter', () => {
    const literal = 'a.b*c+d?e^f$g(h)i[j]k{l}m|n\\o/p-q';
    expect(new RegExp(`^${escapeRegex(literal)}$`).test(literal)).toBe(true);
    expect(new RegExp(`^${escapeRegex('a.b')}$`).test('axb')).toBe(false);
  });

  it('keys equal filters equally and different filters differently', () => {
    expect(serverFilterKey(serverFilterFor({ types: ['B', 'A'] }))).toBe(serverFilterKey(serverFilterFor({ types: ['A', 'B'] })));
    expect(serverFilterKey(serverFilterFor({ streamPrefix: 'a' }))).not.toBe(serverFilterKey(serverFilterFor({ types: ['a'] })));
  });
});
