/** Wave-shaped plan text of `taskCount` tasks (see generate.js). */
export function generatePlanYaml(taskCount: number, waves?: number, options?: { sql?: boolean }): string;
/** pg_dump --schema-only text of `tables` tables with `keysPerTable` foreign keys each (see generate.js). */
export function generatePgDump(tables: number, keysPerTable?: number): string;
