import { describe, expect, it } from 'vitest';
import { checkPlan } from '../../src/app/check.js';
import { listTemplates } from '../../src/templates/registry.js';
import { expandTemplate } from '../../src/templates/render.js';

const ENGINES = ['postgres', 'mysql', 'sqlite', 'mongodb'];
const FRAMEWORKS = ['sql', 'prisma', 'django', 'alembic', 'knex'];

/** Every built-in template, with every engine and framework it takes, on defaults otherwise. */
const combinations = listTemplates().flatMap((t) => {
  const has = (name: string) => t.manifest.parameters.some((p) => p.name === name);
  return (has('db') ? ENGINES : [undefined]).flatMap((db) => (has('framework') ? FRAMEWORKS : [undefined]).map((framework) =>
    [t.name, db ?? '-', framework ?? '-'] as const));
});

describe('template matrix', () => {
  it.each(combinations)('%s on %s with %s: zero findings, and the same bytes twice', (name, db, framework) => {
    const template = listTemplates().find((t) => t.name === name)!;
    const given: Record<string, string> = { ...(db !== '-' ? { db } : {}), ...(framework !== '-' ? { framework } : {}) };
    const first = expandTemplate(template, { given });
    expect(checkPlan('matrix', first.loaded, { strict: true }).findings).toEqual([]);
    expect(expandTemplate(template, { given }).text).toBe(first.text);
  });

  it('the framework decides files and commands, and nothing else of the plan', () => {
    const template = listTemplates().find((t) => t.name === 'multi-tenant')!;
    const files = (framework: string) => expandTemplate(template, { given: { framework } }).loaded.plan.tasks.find((t) => t.id === 'T1')!.files;
    expect(files('sql')).toEqual(['migrations/001_add_tenant_id.sql']);
    expect(files('prisma')).toEqual(['prisma/migrations/001_add_tenant_id/migration.sql']);
    expect(files('django')).toEqual(['apps/core/migrations/0001_add_tenant_id.py']);
    expect(files('alembic')).toEqual(['alembic/versions/001_add_tenant_id.py']);
    expect(files('knex')).toEqual(['migrations/001_add_tenant_id.js']);
    const django = expandTemplate(template, { given: { framework: 'django' } }).text;
    expect(django).toContain('set atomic = False');
    expect(django).toContain('python manage.py migrate');
    expect(django).not.toContain('alembic');
  });
});
