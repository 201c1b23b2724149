// Wave-shaped plans for the benchmark: `waves` waves, each its own phase; every task depends on up to
// three tasks of the previous wave (the one at its own position, so every task has a dependent, and two
// seeded random ones), and a final task closes the plan, so the plan is clean under every rule.
// With `sql`, the plan is on PostgreSQL and every task carries statements (a concurrent index, a
// batched backfill, a foreign key added NOT VALID then validated, in turn), clean under every rule too.
export function generatePlanYaml(taskCount, waves = 20, { sql = false } = {}) {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const perWave = Math.ceil((taskCount - 1) / waves);
  const lines = ['version: 1', ...(sql ? ['database: postgres'] : []), 'epic:', '  id: EPIC', '  title: Benchmark plan', 'phases:'];
  for (let w = 0; w < waves; w++) lines.push(`  - {id: p${w}, name: "Phase ${w}", rollback: Revert phase ${w}., risk: low}`);
  lines.push('tasks:');
  let last = [];
  for (let i = 0; i < taskCount - 1; i++) {
    const w = Math.floor(i / perWave);
    const deps = new Set();
    if (w > 0) {
      deps.add(`T${i - perWave}`);
      while (deps.size < Math.min(3, perWave)) deps.add(`T${(w - 1) * perWave + Math.floor(random() * perWave)}`);
    }
    if (w === Math.floor((taskCount - 2) / perWave)) last.push(`T${i}`);
    lines.push(`  - id: T${i}`, `    title: Task ${i} of wave ${w}`, `    phase: p${w}`, `    size: small`,
      `    depends: [${[...deps].join(', ')}]`);
    if (sql) lines.push(...statementsOf(i));
  }
  lines.push('  - id: DONE', '    title: Document the migration as complete', `    phase: p${waves - 1}`, `    depends: [${last.join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

const LOCK = `"SET lock_timeout = '5s'"`;

/** The `sql` of task i, as YAML lines. */
function statementsOf(i) {
  const t = `t${i % 50}`;
  const loop = (where) => `loop: {key: id, batch: 1000, bounds: "SELECT min(id), max(id) FROM ${t}", remaining: "SELECT count(*) FROM ${t} WHERE ${where}"}`;
  const sets = [
    { up: [LOCK, `{run: "CREATE INDEX CONCURRENTLY idx_${i} ON ${t} (c${i})", transaction: false}`],
      down: [`{run: "DROP INDEX CONCURRENTLY idx_${i}", transaction: false}`] },
    { up: [`{run: "UPDATE ${t} SET c = 0 WHERE id >= :from AND id < :to", ${loop('c IS NULL')}}`],
      down: [`{run: "UPDATE ${t} SET c = NULL WHERE id >= :from AND id < :to", ${loop('c IS NOT NULL')}}`] },
    { up: [LOCK, `"ALTER TABLE ${t} ADD CONSTRAINT fk_${i} FOREIGN KEY (u) REFERENCES u (id) NOT VALID"`, `"ALTER TABLE ${t} VALIDATE CONSTRAINT fk_${i}"`],
      down: [LOCK, `"ALTER TABLE ${t} DROP CONSTRAINT fk_${i}"`] },
  ];
  const { up, down } = sets[i % 3];
  return ['    sql:', `      up: [${up.join(', ')}]`, `      verify: [{query: "SELECT count(*) FROM ${t} WHERE c IS NULL", expect: 0}]`, `      down: [${down.join(', ')}]`];
}

// A pg_dump --schema-only of `tables` tables with `keysPerTable` foreign keys each (but the first), as
// PostgreSQL 15 writes it: every table reaches t0 through its first key, so t0 owns them all, and the
// others point at random earlier tables (seeded), with a global unique and an index per table.
export function generatePgDump(tables, keysPerTable = 3) {
  let seed = 424242;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const out = ['--', '-- PostgreSQL database dump', '--', '', '-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)',
    '-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)', '', "SET statement_timeout = 0;", "SET client_encoding = 'UTF8';",
    "SELECT pg_catalog.set_config('search_path', '', false);", ''];
  const keys = [];
  for (let i = 0; i < tables; i++) {
    const refs = i === 0 ? [] : Array.from({ length: keysPerTable }, (_, k) => (k === 0 ? Math.floor(random() * i) : Math.floor(random() * i)));
    keys.push(refs);
    out.push(`CREATE TABLE public.t${i} (`, '    id bigint NOT NULL,',
      `    code character varying(120) DEFAULT ''::character varying NOT NULL,`,
      ...refs.map((_, k) => `    ref${k}_id bigint${k === 0 ? ' NOT NULL' : ''},`),
      '    created_at timestamp with time zone DEFAULT now() NOT NULL', ');', '', `ALTER TABLE public.t${i} OWNER TO app;`, '');
  }
  for (let i = 0; i < tables; i++) {
    out.push(`ALTER TABLE ONLY public.t${i}`, `    ADD CONSTRAINT t${i}_pkey PRIMARY KEY (id);`, '',
      `ALTER TABLE ONLY public.t${i}`, `    ADD CONSTRAINT t${i}_code_key UNIQUE (code);`, '');
  }
  for (let i = 0; i < tables; i++) out.push(`CREATE INDEX t${i}_created_at_idx ON public.t${i} USING btree (created_at);`, '');
  keys.forEach((refs, i) => refs.forEach((to, k) => out.push(`ALTER TABLE ONLY public.t${i}`,
    `    ADD CONSTRAINT t${i}_ref${k}_id_fkey FOREIGN KEY (ref${k}_id) REFERENCES public.t${to}(id);`, '')));
  out.push('--', '-- PostgreSQL database dump complete', '--', '');
  return out.join('\n');
}
