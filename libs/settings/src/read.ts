import type { Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describeSetting, SETTINGS, type SettingName } from './schema.js';

/** Parsed settings: those with a default are always present, the Optional ones may be undefined. */
export type Settings = Static<typeof SETTINGS>;
export type Env = Readonly<Record<string, string | undefined>>;

/** One or more settings with a bad value; `problems` names each variable and what it accepts. */
export class SettingsError extends Error {
  constructor(readonly problems: ReadonlyArray<{ variable: string; message: string }>) {
    super(problems.map((p) => p.message).join('; '));
    this.name = 'SettingsError';
  }
}

/**
 * Reads and validates `names` (default: all) from `env` against {@link SETTINGS}: blank means
 * unset (the default applies), anything else must match the schema. Every bad variable is
 * reported at once, so an operator fixes them in one go.
 */
export function readSettings<K extends SettingName = SettingName>(env: Env, names?: readonly K[]): Pick<Settings, K> {
  const out: Record<string, unknown> = {};
  const problems: Array<{ variable: string; message: string }> = [];
  for (const name of names ?? (Object.keys(SETTINGS.properties) as K[])) {
    const schema = SETTINGS.properties[name];
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') {
      out[name] = 'default' in schema ? schema.default : undefined;
      continue;
    }
    const value = schema.type === 'integer' ? (/^[+-]?\d+$/.test(raw) ? Number(raw) : raw) : raw;
    if (Value.Check(schema, value)) out[name] = value;
    else problems.push({ variable: name, message: `${name} must be ${describeSetting(schema)}, got "${raw.length > 80 ? `${raw.slice(0, 80)}…` : raw}"` });
  }
  if (problems.length > 0) throw new SettingsError(problems);
  return out as never;
}

/** `1`/`true`/`yes` → true. */
export function isOn(value: string | undefined): boolean {
  return value === '1' || value === 'true' || value === 'yes';
}
