// Wave-shaped plans for the benchmark: `waves` waves, each its own phase; every task depends on up to
// three tasks of the previous wave (the one at its own position, so every task has a dependent, and two
// seeded random ones), and a final task closes the plan, so the plan is clean under every rule.
export function generatePlanYaml(taskCount, waves = 20) {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const perWave = Math.ceil((taskCount - 1) / waves);
  const lines = ['version: 1', 'epic:', '  id: EPIC', '  title: Benchmark plan', 'phases:'];
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
  }
  lines.push('  - id: DONE', '    title: Document the migration as complete', `    phase: p${waves - 1}`, `    depends: [${last.join(', ')}]`);
  return `${lines.join('\n')}\n`;
}
