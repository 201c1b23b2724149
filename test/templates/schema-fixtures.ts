/**
 * Schemas in the model's own JSON (`source.kind: plan-json`) for the template tests: one shop database
 * (customers ← orders ← order_items, a view, indexes single and composite, a unique column referenced by
 * another table's foreign key) at the engine and server version a test names. Written here, by hand.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSchema } from '../../src/model/database.js';

export type Server = { engine: 'postgres' | 'mysql' | 'sqlite'; text: string; num: number; flavor?: 'mysql' | 'mariadb' };

/** The servers the tests cover, by name. */
export const SERVERS: Record<string, Server> = {
  'postgres 10': { engine: 'postgres', text: '10.23', num: 100023 },
  'postgres 11': { engine: 'postgres', text: '11.22', num: 110022 },
  'postgres 12': { engine: 'postgres', text: '12.20', num: 120020 },
  'postgres 15': { engine: 'postgres', text: '15.18', num: 150018 },
  'mysql 5.7': { engine: 'mysql', text: '5.7.44', num: 50744, flavor: 'mysql' },
  'mysql 8.0.11': { engine: 'mysql', text: '8.0.11', num: 80011, flavor: 'mysql' },
  'mysql 8.0.12': { engine: 'mysql', text: '8.0.12', num: 80012, flavor: 'mysql' },
  'mysql 8.0.29': { engine: 'mysql', text: '8.0.29', num: 80029, flavor: 'mysql' },
  'mariadb 10.2': { engine: 'mysql', text: '10.2.44-MariaDB', num: 100244, flavor: 'mariadb' },
  'mariadb 10.3': { engine: 'mysql', text: '10.3.39-MariaDB', num: 100339, flavor: 'mariadb' },
  'mariadb 10.11': { engine: 'mysql', text: '10.11.6-MariaDB', num: 101106, flavor: 'mariadb' },
  'sqlite 3.34': { engine: 'sqlite', text: '3.34.1', num: 3034001 },
  'sqlite 3.45': { engine: 'sqlite', text: '3.45.1', num: 3045001 },
};

const typeOf = (engine: Server['engine'], pg: string, my: string, lite: string) => (engine === 'postgres' ? pg : engine === 'mysql' ? my : lite);

export function shopSchema(server: Server, rows: { customers?: number; orders?: number; order_items?: number } = {}): DatabaseSchema {
  const e = server.engine;
  const int = typeOf(e, 'integer', 'int', 'INTEGER');
  const text = (n: number) => typeOf(e, `character varying(${n})`, `varchar(${n})`, 'TEXT');
  return {
    engine: e,
    version: { text: server.text, num: server.num, ...(server.flavor ? { flavor: server.flavor } : {}) },
    source: { kind: 'plan-json', file: 'shop.json' },
    tables: [
      {
        name: 'customers', line: 2, primary_key: ['id'], rows: rows.customers ?? 50_000,
        columns: [
          { name: 'id', type: int, nullable: false, identity: true, line: 3 },
          { name: 'email', type: text(120), nullable: false, identity: false, default: "''", comment: 'login', line: 4 },
          { name: 'region', type: text(20), nullable: true, identity: false, line: 5 },
          { name: 'legacy_code', type: text(16), nullable: true, identity: false, line: 6 },
          { name: 'note', type: text(200), nullable: true, identity: false, line: 7 },
        ],
        foreign_keys: [], checks: [], triggers: [],
        uniques: [{ name: 'customers_legacy_code_key', columns: ['legacy_code'], line: 8 }],
        indexes: [
          { name: 'idx_customers_email', columns: ['email'], unique: false, constraint: false, line: 9 },
          { name: 'idx_customers_region_email', columns: ['region', 'email'], unique: false, constraint: false, line: 10 },
          { name: 'customers_legacy_code_key', columns: ['legacy_code'], unique: true, constraint: true, line: 8 },
        ],
      },
      {
        name: 'orders', line: 12, primary_key: ['id'], rows: rows.orders ?? 2_000_000,
        columns: [
          { name: 'id', type: int, nullable: false, identity: true, line: 13 },
          { name: 'customer_id', type: int, nullable: false, identity: false, line: 14 },
          { name: 'customer_code', type: text(16), nullable: true, identity: false, line: 15 },
          { name: 'status', type: text(20), nullable: false, identity: false, default: typeOf(e, "'new'::character varying", "'new'", "'new'"), comment: 'lifecycle', line: 16 },
        ],
        foreign_keys: [
          { name: 'orders_customer_id_fkey', columns: ['customer_id'], references: 'customers', ref_columns: ['id'], line: 17 },
          { name: 'orders_customer_code_fkey', columns: ['customer_code'], references: 'customers', ref_columns: ['legacy_code'], line: 18 },
        ],
        uniques: [], checks: [], triggers: [],
        indexes: [{ name: 'idx_orders_customer_id', columns: ['customer_id'], unique: false, constraint: false, line: 19 }],
      },
      {
        name: 'order_items', line: 21, primary_key: ['id'], rows: rows.order_items ?? 20_000_000,
        columns: [
          { name: 'id', type: int, nullable: false, identity: true, line: 22 },
          { name: 'order_id', type: typeOf(e, 'bigint', 'bigint', 'INTEGER'), nullable: false, identity: false, line: 23 },
          { name: 'sku', type: text(40), nullable: false, identity: false, line: 24 },
        ],
        foreign_keys: [], uniques: [], checks: [], triggers: [], indexes: [],
      },
    ],
    views: [
      { name: 'customer_emails', reads: ['customers', 'customers.id', 'customers.email'], materialized: false, line: 26,
        definition: 'SELECT id, email FROM customers' },
    ],
  };
}

/** The schema written as a file for `--schema`. */
export function schemaFile(schema: DatabaseSchema): string {
  const file = join(mkdtempSync(join(tmpdir(), 'plan-schema-')), 'shop.json');
  writeFileSync(file, JSON.stringify(schema, null, 2));
  return file;
}
