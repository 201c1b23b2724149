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
