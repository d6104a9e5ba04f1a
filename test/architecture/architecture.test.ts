import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * The dependency rules of docs/architecture.md, read off the imports themselves (TypeScript's own
 * pre-processor, no extra dependency), so a change that breaks the graph fails here rather than in
 * a review.
 */
const root = resolve(import.meta.dirname, '../..');

interface SourceFile {
  /** Path from the repository root, with forward slashes. */
  path: string;
  /** `libs/<name>` or `apps/<name>`. */
  unit: string;
  test: boolean;
  imports: string[];
  text: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : walk(full);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

const sources: SourceFile[] = ['libs', 'apps'].flatMap((top) =>
  readdirSync(join(root, top)).flatMap((unit) =>
    walk(join(root, top, unit)).map((full) => {
      const path = relative(root, full).split(sep).join('/');
      const text = readFileSync(full, 'utf8');
      return {
        path,
        unit: `${top}/${unit}`,
        test: /\.spec\.tsx?$/.test(path) || path.includes('/testing/'),
        imports: ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName),
        text,
      };
    }),
  ),
);

const libs = [...new Set(sources.filter((s) => s.unit.startsWith('libs/')).map((s) => s.unit.slice('libs/'.length)))];
const ourLibs = (file: SourceFile) => file.imports.filter((i) => i.startsWith('@libs/')).map((i) => i.slice('@libs/'.length));
const production = sources.filter((s) => !s.test);
const violations = (files: SourceFile[], bad: (file: SourceFile, spec: string) => boolean) =>
  files.flatMap((f) => f.imports.filter((i) => bad(f, i)).map((i) => `${f.path} imports ${i}`));

describe('architecture: the dependency graph', () => {
  it('reads a real tree', () => {
    expect(libs).toEqual(expect.arrayContaining(['domain', 'sql', 'event-store', 'codec', 'application', 'projections', 'audit']));
    expect(production.length).toBeGreaterThan(100);
  });

  it('the domain imports nothing of ours and, outside tests, only TypeBox and node:crypto', () => {
    const domain = sources.filter((s) => s.unit === 'libs/domain');
    expect(violations(domain, (_f, i) => i.startsWith('@libs/') || i.startsWith('@nestjs'))).toEqual([]);
    expect(violations(domain.filter((s) => !s.test), (_f, i) => !i.startsWith('.') && !/^@sinclair\/typebox(\/|$)/.test(i) && i !== 'node:crypto')).toEqual([]);
  });

  it('the SQL library imports nothing of ours; the event store only the SQL library; the codec only the domain and the store', () => {
    expect(violations(sources.filter((s) => s.unit === 'libs/sql'), (_f, i) => i.startsWith('@libs/'))).toEqual([]);
    expect(violations(sources.filter((s) => s.unit === 'libs/event-store'), (_f, i) => i.startsWith('@libs/') && i !== '@libs/sql')).toEqual([]);
    expect(violations(sources.filter((s) => s.unit === 'libs/codec'), (_f, i) => i.startsWith('@libs/') && !['@libs/domain', '@libs/event-store'].includes(i))).toEqual([]);
  });

  it('no NestJS in libs/: the framework stays in the apps', () => {
    expect(violations(sources.filter((s) => s.unit.startsWith('libs/')), (_f, i) => i.startsWith('@nestjs/'))).toEqual([]);
  });

  it('libraries are reached only through their index.ts, apps never imported, no relative path leaves its unit', () => {
    expect(violations(production, (_f, i) => /^@libs\/[^/]+\/./.test(i) || i.startsWith('@apps/'))).toEqual([]);
    expect(
      violations(production, (f, i) => {
        if (!i.startsWith('.')) return false;
        const target = relative(root, resolve(root, dirname(f.path), i)).split(sep).join('/');
        return !target.startsWith(`${f.unit}/`);
      }),
    ).toEqual([]);
    expect(violations(sources, (_f, i) => i.startsWith('@libs/') && !libs.includes(i.slice('@libs/'.length)))).toEqual([]);
  });

  it('the libraries form no cycle', () => {
    const edges = new Map(libs.map((l) => [l, new Set(sources.filter((s) => s.unit === `libs/${l}`).flatMap(ourLibs).filter((d) => d !== l))]));
    const cycles: string[] = [];
    const visit = (lib: string, path: string[]) => {
      if (path.includes(lib)) return void cycles.push([...path.slice(path.indexOf(lib)), lib].join(' → '));
      for (const next of edges.get(lib) ?? []) visit(next, [...path, lib]);
    };
    for (const lib of libs) visit(lib, []);
    expect(cycles).toEqual([]);
  });
});

describe('architecture: one read boundary', () => {
  it('only the codec upcasts: no other production file calls the domain upcaster', () => {
    const callers = production.filter((s) => s.unit !== 'libs/domain' && s.unit !== 'libs/codec' && /\bupcastEvent\s*\(/.test(s.text));
    expect(callers.map((s) => s.path)).toEqual([]);
  });

  it('one "state as of": only the codec folds a stream up to an instant or version', () => {
    const definers = production.filter((s) => /(\bfunction\s*\*?\s*|^\s*(private\s+|public\s+|protected\s+)?(static\s+)?(async\s+)?)(foldAsOf|stateAsOf)\s*[<(]/m.test(s.text));
    expect(definers.map((s) => s.path)).toEqual(['libs/codec/src/fold.ts']);
  });

  it('the processes open their store through the codec, never the bare store', () => {
    const callers = production.filter((s) => s.unit !== 'libs/event-store' && s.unit !== 'libs/codec' && /\bopenEventStore\s*\(/.test(s.text));
    expect(callers.map((s) => s.path)).toEqual([]);
  });

  it('the integrity checks, the as-stored history and the audit evidence (checkpoints, log verification, export) are the only readers under the codec', () => {
    const callers = production.filter((s) => s.unit !== 'libs/codec' && /\bstoredOf\s*\(/.test(s.text)).map((s) => s.path);
    expect(callers.sort()).toEqual(['libs/audit/src/evidence/stored-log.ts', 'libs/audit/src/history.ts', 'libs/audit/src/verify.ts']);
  });
});

describe('architecture: one write path', () => {
  const outside = (allowed: string[]) => production.filter((s) => !allowed.includes(s.unit) && s.unit !== 'apps/console');

  it('only the application runs the deciders, the scheduler pass and the process managers', () => {
    const domainImport = /import\s*\{[^}]*\b(decideSubscriber|decideCase|runSchedulerPass|schedulerPass|reactToEvent|processManagers)\b[^}]*\}\s*from\s*'@libs\/domain'/;
    const callsDecide = /\b[a-zA-Z]*[dD]ecider\.decide\s*\(/;
    // The simulator's planning runs the pass on its own model's view, only to foresee what the
    // service will do (it sends nothing from it): it uses the domain's rules instead of a copy.
    const foresees = new Set(['libs/simulator/src/planning.ts']);
    const offenders = outside(['libs/domain', 'libs/application']).filter((s) => !foresees.has(s.path) && (domainImport.test(s.text) || callsDecide.test(s.text)));
    expect(offenders.map((s) => s.path)).toEqual([]);
  });

  it('only the application appends to the store (the codec and the stores themselves aside)', () => {
    const offenders = outside(['libs/event-store', 'libs/codec', 'libs/application']).filter((s) => /\b(store|inner|events?Store)\s*\)?\s*\.append\s*\(/.test(s.text));
    expect(offenders.map((s) => s.path)).toEqual([]);
  });

  it('the application reaches its state beside the log only through its ports: SQL only in the SQL adapters (and the policies\' checkpoint)', () => {
    const sql = production.filter((s) => s.unit === 'libs/application' && /\b(INSERT INTO|SELECT .* FROM|UPDATE \w+ SET|DELETE FROM)\b/.test(s.text));
    expect(sql.map((s) => s.path).sort()).toEqual(['libs/application/src/policy-runner.ts', 'libs/application/src/sql-ports.ts']);
  });

  it('one "already done" guard: automated commands decide nothing through doneOrRefuse, never a hand-written early return before a refusal', () => {
    const inline = production.filter((s) => s.unit === 'libs/domain' && s.path !== 'libs/domain/src/shared/errors.ts' && /if \((ctx\.)?auto\) return \[\];\s*\n\s*refuse/.test(s.text));
    expect(inline.map((s) => s.path)).toEqual([]);
  });

  it('no production file over 400 lines, but the subscriber decider', () => {
    // The deciders may be long (one function of every command); the case decider is under the
    // limit, so only the subscriber's is allowed. Anything else over it is split along its seams.
    const allowed = new Set(['libs/domain/src/subscriber/decide.ts']);
    const long = production.filter((s) => s.text.split('\n').length > 400 && !allowed.has(s.path)).map((s) => `${s.path}: ${s.text.split('\n').length} lines`);
    expect(long).toEqual([]);
  });
});
