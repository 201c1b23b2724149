/**
 * Minimal Django and Alembic projects in a temporary directory, run with Debian's Python and its
 * packages (python3-django 3.2, python3-alembic 1.8, python3-psycopg2; `npm test` installs them through
 * scripts/setup.js). Each project starts with migrations of its own that create the tables the plans
 * touch (users, projects, tasks), so scaffolded migrations must continue their chain.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import initSqlJs from 'sql.js';
import pg from 'pg';
import { expect } from 'vitest';
import { newPlan } from '../../src/app/new.js';
import { scaffoldPlan } from '../../src/app/scaffold.js';
import { snapshotPostgres } from '../../src/rehearse/postgres.js';
import type { Snapshot } from '../../src/rehearse/snapshot.js';
import { snapshotSqlite } from '../../src/rehearse/sqlite.js';
import { tempDir } from '../helpers.js';

/** Debian's interpreter: a pyenv or venv python3 earlier on PATH would not see the Debian packages. */
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Where a project's database is: a PostgreSQL database over the server's Unix socket, or an SQLite file. */
export type Target =
  | { engine: 'postgres'; socketDir: string; port: number; database: string; url: string }
  | { engine: 'sqlite'; file: string };

/** A fresh database on the test server, reached over its socket by Python and by URL from here. */
export async function postgresTarget(serverUrl: string, socketDir: string, database: string): Promise<Target> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return { engine: 'postgres', socketDir, port: Number(new URL(serverUrl).port), database, url: url.toString() };
}

export function sqliteTarget(dir: string): Target {
  return { engine: 'sqlite', file: join(dir, 'app.sqlite3') };
}

export interface Ran { code: number | null; stdout: string; stderr: string }

/** Asserts a command succeeded, showing its output when it did not. */
export const ok = (r: Ran) => expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);

/** The value the multi-tenant plan's placeholder gets. */
export const OWNER = '00000000-0000-4000-8000-000000000001';

/**
 * A plan file as `plan new TEMPLATE --db ENGINE [--set …]` writes it; `epic` renames its epic (the
 * scaffold's markers are EPIC/TASK, so a second plan into the same DIR needs an epic of its own).
 */
export async function planFor(template: string, db: 'postgres' | 'sqlite', set: string[] = [], epic?: string): Promise<string> {
  const out = join(tempDir(), `${template}.plan.yaml`);
  const made = await newPlan({ template, flags: { db }, set, out });
  expect(made.written, made.summary).toBe(true);
  if (epic) writeFileSync(out, readFileSync(out, 'utf8').replace(/^ {2}id: EPIC$/m, `  id: ${epic}`));
  return out;
}

/** `plan scaffold FILE --dir DIR --framework F [--app A]`, in-process; the files written, relative to DIR. */
export async function scaffold(framework: 'django' | 'alembic', dir: string, file: string, app?: string): Promise<string[]> {
  const { result } = await scaffoldPlan({ file, dir, framework, ...(app ? { app } : {}), now: new Date('2026-11-23T20:00:00Z') });
  return result.written;
}

/** Runs Debian's python3 in `cwd`. */
export function python(cwd: string, args: string[], env: Record<string, string> = {}): Ran {
  const r = spawnSync(PYTHON, args, { cwd, encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(root: string, files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

const DJANGO_MODELS = `from django.db import models


class User(models.Model):
    name = models.TextField()

    class Meta:
        db_table = 'users'


class Project(models.Model):
    name = models.TextField()
    user = models.ForeignKey(User, on_delete=models.CASCADE)

    class Meta:
        db_table = 'projects'


class Task(models.Model):
    title = models.TextField()
    project = models.ForeignKey(Project, on_delete=models.CASCADE)
    done = models.BooleanField(default=False)

    class Meta:
        db_table = 'tasks'
`;

const DJANGO_0001 = `from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name='User',
            fields=[
                ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.TextField()),
            ],
            options={'db_table': 'users'},
        ),
        migrations.CreateModel(
            name='Project',
            fields=[
                ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.TextField()),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='core.user')),
            ],
            options={'db_table': 'projects'},
        ),
        migrations.CreateModel(
            name='Task',
            fields=[
                ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.TextField()),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='core.project')),
            ],
            options={'db_table': 'tasks'},
        ),
    ]
`;

const DJANGO_0002 = `from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='task',
            name='done',
            field=models.BooleanField(default=False),
        ),
    ]
`;

function djangoDatabase(target: Target): string {
  return target.engine === 'postgres'
    ? `{'ENGINE': 'django.db.backends.postgresql', 'NAME': ${JSON.stringify(target.database)}, 'USER': 'postgres', 'HOST': ${JSON.stringify(target.socketDir)}, 'PORT': '${target.port}'}`
    : `{'ENGINE': 'django.db.backends.sqlite3', 'NAME': ${JSON.stringify(target.file)}}`;
}

/** A Django project with one app, `core` (models User, Project, Task), and its migrations 0001 and 0002. */
export function djangoProject(target: Target, dir = tempDir()): string {
  write(dir, {
    'manage.py': `import os\nimport sys\n\nif __name__ == '__main__':\n    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site_settings')\n    from django.core.management import execute_from_command_line\n    execute_from_command_line(sys.argv)\n`,
    'site_settings.py': [
      "SECRET_KEY = 'plan-scaffold-test'",
      'USE_TZ = True',
      "INSTALLED_APPS = ['core']",
      "DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'",
      `DATABASES = {'default': ${djangoDatabase(target)}}`,
      '',
    ].join('\n'),
    'core/__init__.py': '',
    'core/models.py': DJANGO_MODELS,
    'core/migrations/__init__.py': '',
    'core/migrations/0001_initial.py': DJANGO_0001,
    'core/migrations/0002_task_done.py': DJANGO_0002,
  });
  return dir;
}

export const ALEMBIC_HEAD = 'b2c3d4e5f6a7';

const ALEMBIC_ENV = `from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
connectable = engine_from_config(config.get_section(config.config_ini_section), prefix='sqlalchemy.', poolclass=pool.NullPool)

with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=None, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
`;

const ALEMBIC_FIRST = `"""users, projects and tasks

Revision ID: a1b2c3d4e5f6
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = 'a1b2c3d4e5f6'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('users', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.Text, nullable=False))
    op.create_table('projects', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.Text, nullable=False),
                    sa.Column('user_id', sa.Integer, sa.ForeignKey('users.id'), nullable=False))
    op.create_table('tasks', sa.Column('id', sa.Integer, primary_key=True), sa.Column('title', sa.Text, nullable=False),
                    sa.Column('project_id', sa.Integer, sa.ForeignKey('projects.id'), nullable=False))


def downgrade():
    op.drop_table('tasks')
    op.drop_table('projects')
    op.drop_table('users')
`;

const ALEMBIC_SECOND = `"""tasks.done

Revision ID: ${ALEMBIC_HEAD}
Revises: a1b2c3d4e5f6
"""
from alembic import op
import sqlalchemy as sa

revision = '${ALEMBIC_HEAD}'
down_revision = 'a1b2c3d4e5f6'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('tasks', sa.Column('done', sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade():
    op.drop_column('tasks', 'done')
`;

function alembicUrl(target: Target): string {
  return target.engine === 'postgres'
    ? `postgresql+psycopg2://postgres@/${target.database}?host=${target.socketDir}&port=${target.port}`
    : `sqlite:///${target.file}`;
}

/** An Alembic environment (alembic.ini, alembic/env.py) whose versions/ holds two revisions, the head ALEMBIC_HEAD. */
export function alembicProject(target: Target, dir = tempDir()): string {
  write(dir, {
    'alembic.ini': `[alembic]\nscript_location = alembic\nsqlalchemy.url = ${alembicUrl(target).replaceAll('%', '%%')}\n`,
    'alembic/env.py': ALEMBIC_ENV,
    'alembic/versions/a1b2c3d4e5f6_users_projects_tasks.py': ALEMBIC_FIRST,
    [`alembic/versions/${ALEMBIC_HEAD}_tasks_done.py`]: ALEMBIC_SECOND,
  });
  return dir;
}

/** `python3 -m alembic …` in the project (Debian's python3-alembic has no `alembic` script on PATH). */
export function alembic(dir: string, args: string[], env: Record<string, string> = {}): Ran {
  return python(dir, ['-m', 'alembic', ...args], env);
}

/** Rows the plans' backfills and checks have something to work on: a few users, projects and tasks. */
export const SEED = [
  "INSERT INTO users (id, name) VALUES (1, 'ada'), (2, 'grace'), (3, 'edsger')",
  "INSERT INTO projects (id, name, user_id) VALUES (1, 'compiler', 1), (2, 'cobol', 2)",
  "INSERT INTO tasks (id, title, project_id, done) VALUES (1, 'parse', 1, false), (2, 'emit', 1, true), (3, 'test 100%', 2, false)",
];

/** Runs statements on the target (seeding) from here. */
export async function execute(target: Target, statements: string[]): Promise<void> {
  if (target.engine === 'postgres') {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      for (const s of statements) await client.query(s);
    } finally {
      await client.end();
    }
    return;
  }
  const r = spawnSync('sqlite3', ['-bail', target.file], { input: statements.map((s) => `${s};`).join('\n'), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
}

/** The catalog and rows of the target, as plan rehearse compares them. */
export async function snapshotOf(target: Target): Promise<Snapshot> {
  if (target.engine === 'postgres') {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      return await snapshotPostgres(async (sql) => (await client.query({ text: sql, rowMode: 'array' })).rows);
    } finally {
      await client.end();
    }
  }
  const SQL = await initSqlJs();
  const db = new SQL.Database(readFileSync(target.file));
  try {
    return await snapshotSqlite(async (sql) => db.exec(sql)[0]?.values ?? []);
  } finally {
    db.close();
  }
}
