/**
 * The little of `pg` and `sql.js` that rehearsals use: neither package ships types, and the project takes
 * no @types package for two calls each.
 */
declare module 'pg' {
  export interface QueryResult { rows: unknown[][]; rowCount: number | null }
  export class Client {
    /** `options` are server settings sent at connection (`-c name=value`), before any statement runs. */
    constructor(config: string | { connectionString?: string; connectionTimeoutMillis?: number; options?: string; application_name?: string });
    connect(): Promise<void>;
    query(config: { text: string; rowMode: 'array'; values?: unknown[] }): Promise<QueryResult>;
    query(text: string): Promise<QueryResult>;
    on(event: 'error', listener: (err: Error) => void): this;
    end(): Promise<void>;
  }
  const pg: { Client: typeof Client };
  export default pg;
}

declare module 'sql.js' {
  export interface QueryExecResult { columns: string[]; values: unknown[][] }
  export interface Database {
    run(sql: string, params?: Record<string, string | number | null>): Database;
    exec(sql: string): QueryExecResult[];
    getRowsModified(): number;
    /** Compiles each statement of `sql` in turn (running none until stepped). */
    iterateStatements(sql: string): IterableIterator<{ free(): boolean }>;
    /** One statement, compiled; bound and stepped row by row (the Knex test's driver stand-in uses it). */
    prepare(sql: string): Statement;
    export(): Uint8Array;
    close(): void;
  }
  export interface Statement {
    bind(values?: unknown[]): boolean;
    step(): boolean;
    getAsObject(): Record<string, unknown>;
    free(): boolean;
  }
  export interface SqlJsStatic { Database: new (data?: Uint8Array) => Database }
  export default function initSqlJs(config?: object): Promise<SqlJsStatic>;
}
