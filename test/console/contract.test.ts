/**
 * The console against the contract it is built on: its API types are generated from the OpenAPI
 * document the service serves right now and the console must type-check against them (so a
 * contract change that breaks the console fails here); and its words cover the domain's whole
 * vocabulary, in both languages.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CASE_EVENT_TYPES, DOMAIN_VALUES, SUBSCRIBER_EVENT_TYPES } from '@libs/domain';
import { consoleApiTypes, SCHEMA_FILE, servedOpenApiDocument } from '../../scripts/console-api-types.js';
import { en } from '../../apps/console/src/i18n/en.js';
import { es } from '../../apps/console/src/i18n/es.js';
import { KNOWN_EVENT_TYPES } from '../../apps/console/src/lib/timeline.js';
import { VOCABULARY } from '../../apps/console/src/lib/vocabulary.js';

describe('console contract', () => {
  it('type-checks against types generated from the served OpenAPI document', async () => {
    const document = await servedOpenApiDocument();
    writeFileSync(SCHEMA_FILE, await consoleApiTypes(document));
    // tsc exits non-zero with the errors on stdout: show them in the failure.
    let output = '';
    try {
      execFileSync(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', 'apps/console/tsconfig.json'], { encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  }, 120_000);

  it('describes every event type the service can emit', () => {
    expect([...KNOWN_EVENT_TYPES].sort()).toEqual([...SUBSCRIBER_EVENT_TYPES, ...CASE_EVENT_TYPES].sort());
  });

  it('has every text in both languages, none empty', () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of [...Object.entries(en), ...Object.entries(es)]) expect({ key, empty: text.trim() === '' }).toEqual({ key, empty: false });
  });

  it.each(['en', 'es'] as const)('has a word in %s for every value of the domain’s vocabularies it shows', (locale) => {
    const words = VOCABULARY[locale] as Record<string, Record<string, string>>;
    for (const name of Object.keys(words)) {
      const values = (DOMAIN_VALUES as Record<string, readonly string[]>)[name];
      expect({ name, known: values !== undefined }).toEqual({ name, known: true });
      expect(Object.keys(words[name]!).sort()).toEqual([...values!].sort());
    }
  });
});
