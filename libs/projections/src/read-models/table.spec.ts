import { col, columnsOf, createTableStatements, decodeRow, defineTable, tableMigration } from './table.js';

/** Given a table declaration, then the DDL, the migration steps and the column list derived from it. */
const table = defineTable({
  name: 'rm_example',
  since: 1,
  comment: "Example's counters",
  columns: {
    segment: col.text(),
    month: col.text(),
    note: col.text({ nullable: true }),
    count: col.int({ default: '0' }),
    currency: col.text({ default: "''", since: 3 }),
    at: col.timestamptz({ nullable: true, since: 3 }),
  },
  key: ['currency', 'segment', 'month'],
  indexes: [{ name: 'rm_example_month', columns: ['month'], where: 'count > 0' }],
});

describe('read-model table declarations', () => {
  it('the creation version makes the table with the columns and key that existed then', () => {
    expect(tableMigration(table, 1)).toEqual([
      'CREATE TABLE rm_example (\n  segment text NOT NULL,\n  month text NOT NULL,\n  note text,\n  count int NOT NULL DEFAULT 0,\n  PRIMARY KEY (segment, month)\n)',
      "COMMENT ON TABLE rm_example IS 'Example''s counters'",
      'CREATE INDEX rm_example_month ON rm_example (month) WHERE count > 0',
    ]);
  });

  it('a later version adds its columns and re-keys the table when one joins the key', () => {
    expect(tableMigration(table, 2)).toEqual([]);
    expect(tableMigration(table, 3)).toEqual([
      "ALTER TABLE rm_example\n  ADD COLUMN currency text NOT NULL DEFAULT '',\n  ADD COLUMN at timestamptz,\n  DROP CONSTRAINT IF EXISTS rm_example_pkey,\n  ADD PRIMARY KEY (currency, segment, month)",
    ]);
  });

  it('the table as of today has every column and the whole key', () => {
    expect(createTableStatements(table, 3)[0]).toContain("currency text NOT NULL DEFAULT '',\n  at timestamptz,\n  PRIMARY KEY (currency, segment, month)");
  });

  it('the bulk column list is every column in order, with its type', () => {
    expect(columnsOf(table).map((c) => `${c.name}:${c.type}`)).toEqual(['segment:text', 'month:text', 'note:text', 'count:int', 'currency:text', 'at:timestamptz']);
  });

  it('a row read back gets the declared JS types', () => {
    const row = decodeRow(table, { segment: 'b2c', month: '2026-01', note: null, count: '7', currency: 'EUR', at: new Date('2026-01-02T03:04:05Z') });
    expect(row).toEqual({ segment: 'b2c', month: '2026-01', note: null, count: 7, currency: 'EUR', at: '2026-01-02T03:04:05.000Z' });
  });

  it('a key column that is not declared is refused', () => {
    expect(() => defineTable({ name: 'rm_bad', since: 1, columns: { a: col.text() }, key: ['b' as 'a'] })).toThrow('key column b');
  });

  it('a NOT NULL column added to a table with rows is added nullable, backfilled, then made NOT NULL', () => {
    const filled = defineTable({ name: 'rm_filled', since: 1, columns: { id: col.text(), enrolled_at: col.timestamptz(), since_at: col.timestamptz({ since: 3, backfill: 'enrolled_at' }) }, key: ['id'] });
    expect(tableMigration(filled, 3)).toEqual([
      'ALTER TABLE rm_filled\n  ADD COLUMN since_at timestamptz',
      'UPDATE rm_filled SET since_at = enrolled_at',
      'ALTER TABLE rm_filled ALTER COLUMN since_at SET NOT NULL',
    ]);
    expect(createTableStatements(filled, 3)[0]).toContain('since_at timestamptz NOT NULL');
  });
});
