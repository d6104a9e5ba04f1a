/** What every query function shares: segment filters, rates and conversions of SQL values. */
import type { SqlExecutor } from '@libs/sql';
import { META_TABLE } from './projection.js';

export type SegmentFilter = 'all' | 'b2b' | 'b2c';
export const SEGMENTS: readonly SegmentFilter[] = ['all', 'b2b', 'b2c'];

export interface MonthRange {
  from: string;
  to: string;
  segment?: SegmentFilter;
}

export const segmentsOf = (s: SegmentFilter = 'all'): string[] => (s === 'all' ? ['b2b', 'b2c'] : [s]);
/** Rates are plain decimals, unrounded, null when the denominator is 0 (domain.md §6). */
export const rate = (num: number, den: number): number | null => (den === 0 ? null : num / den);
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
export const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string | Date).toISOString());

/** Latest business time a projection has seen (null before its first event). */
export async function projectionAsOf(db: SqlExecutor, name: string): Promise<string | null> {
  const { rows } = await db.query<{ as_of: Date | null }>(`SELECT as_of FROM ${META_TABLE} WHERE name = $1`, [name]);
  return iso(rows[0]?.as_of ?? null);
}

/** A report's range, segment and currency (required by the route when several are in use; see currency.ts). */
export type ReportQuery = MonthRange & { currency?: string };
/** What every report states besides its rows: the segment and the one currency its money (and counts) cover. */
export interface ReportScope {
  segment: SegmentFilter;
  /** null only while the read model knows no subscriber. */
  currency: string | null;
}
