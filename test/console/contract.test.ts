/**
 * The console against the contract it is built on: its API types are generated from the OpenAPI
 * document the service serves right now and the console must type-check against them (so a
 * contract change that breaks the console fails here); and its words cover the domain's whole
 * vocabulary, in both languages.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ADDITIONAL_RULE_CODES, CASE_EVENT_TYPES, DOMAIN_VALUES, SPEC_RULE_CODES, SUBSCRIBER_EVENT_TYPES } from '@libs/domain';
import { consoleApiTypes, SCHEMA_FILE, servedOpenApiDocument } from '../../scripts/console-api-types.js';
import { en } from '../../apps/console/src/i18n/en.js';
import { es } from '../../apps/console/src/i18n/es.js';
import { KNOWN_EVENT_TYPES } from '../../apps/console/src/lib/timeline.js';
import { VOCABULARY } from '../../apps/console/src/lib/vocabulary.js';
import { RULES } from '../../apps/console/src/i18n/rules.js';
import { formsEn, formsEs } from '../../apps/console/src/i18n/forms.js';
import { opsEn, opsEs } from '../../apps/console/src/i18n/operations.js';

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourcesUnder(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

/**
 * Every `code` the service can answer a request with: the domain's rule codes, and the codes the
 * HTTP layer and the libraries write into a problem (found in their sources, the way
 * rule-coverage.spec.ts finds the deciders' codes).
 */
function answerableCodes(): string[] {
  const codes = new Set<string>([...SPEC_RULE_CODES, ...ADDITIONAL_RULE_CODES]);
  const patterns = [
    /\bproblem\(\s*\d{3},\s*'([a-z-]+)'/g, // problem(503, 'database-unavailable', …)
    /HttpProblem\(\s*\d{3},\s*'([a-z-]+)'/g, // new HttpProblem(429, 'rate-limited', …)
    /readonly code(?:: [^=;]+)? = '([a-z-]+)'/g, // error classes' fixed codes
    /\bsuper\(\s*'([a-z-]+)'/g, // event-store errors pass their code up
    /^\s+\d{3}: '([a-z-]+)',$/gm, // the status → code table of problem.ts
    /STATUS_CODES\[status\] \?\? '([a-z-]+)'/g, // the table's fall-backs ('client-error')
  ];
  for (const root of ['apps/service/src', 'libs/application/src', 'libs/event-store/src', 'libs/projections/src']) {
    for (const file of sourcesUnder(root)) {
      const text = readFileSync(file, 'utf8');
      for (const pattern of patterns) for (const m of text.matchAll(pattern)) codes.add(m[1]!);
    }
  }
  return [...codes].sort();
}

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

  it.each(['en', 'es'] as const)('has a sentence in %s for every code the API can answer', (locale) => {
    const codes = answerableCodes();
    // The scan found the HTTP layer's codes, not only the domain's.
    for (const known of ['concurrency-conflict', 'forbidden', 'invalid-request', 'database-unavailable', 'currency-required', 'idempotency-key-reused', 'rate-limited', 'client-error']) expect(codes).toContain(known);
    const sentences = RULES[locale] as Record<string, string>;
    expect(codes.filter((code) => !(code in sentences) || sentences[code]!.trim() === '')).toEqual([]);
  });

  it('has the forms’ and the operations screens’ words in both languages, without clashing with the screens’ keys', () => {
    expect(Object.keys(formsEs).sort()).toEqual(Object.keys(formsEn).sort());
    expect(Object.keys(opsEs).sort()).toEqual(Object.keys(opsEn).sort());
    expect(Object.keys(RULES.es).sort()).toEqual(Object.keys(RULES.en).sort());
    const base = new Set(Object.keys(en));
    expect([...Object.keys(formsEn), ...Object.keys(opsEn)].filter((k) => base.has(k))).toEqual([]);
    for (const [key, text] of [...Object.entries(formsEs), ...Object.entries(opsEs), ...Object.entries(RULES.es)]) expect({ key, empty: text.trim() === '' }).toEqual({ key, empty: false });
  });
});
