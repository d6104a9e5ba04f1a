/**
 * Seeds for property tests. `npm test` and CI run a fixed seed per suite, so a red run replays;
 * the suite's environment variable (e.g. `PROPERTY_SEED`, `FUZZ_SEED`) explores another one, and
 * `random` draws one (printed in the failure message, which fast-check completes with the shrink path:
 * `<VAR>=<seed> <PATH_VAR>=<path>` replays exactly that case).
 */
export function propertySeed(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'random') return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) throw new Error(`${variable} must be an integer or "random", got ${raw}`);
  return seed;
}

/** fast-check parameters for a suite: seed, optional replay path, and a message that says how to replay. */
export function propertyParameters(seedVariable: string, fallback: number): { seed: number; path?: string } {
  const path = process.env[`${seedVariable.replace(/_SEED$/, '')}_PATH`];
  return { seed: propertySeed(seedVariable, fallback), ...(path ? { path } : {}) };
}

/** Runs a fast-check assertion and, on failure, prefixes how to replay it. */
export async function replayable<T>(seedVariable: string, seed: number, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const pathVariable = `${seedVariable.replace(/_SEED$/, '')}_PATH`;
    (error as Error).message = `replay with ${seedVariable}=${seed} ${pathVariable}=<path in the message below>\n${(error as Error).message}`;
    throw error;
  }
}
