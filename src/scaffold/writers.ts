/** The framework writers by name; `plan scaffold --framework` chooses among them. */
import { alembic } from './alembic.js';
import { django } from './django.js';
import { knexWriter } from './knex.js';
import { prismaWriter } from './prisma.js';
import { sqlWriter } from './sql.js';
import type { FrameworkWriter } from './steps.js';

export const WRITERS: Partial<Record<FrameworkWriter['framework'], FrameworkWriter>> = {
  sql: sqlWriter,
  prisma: prismaWriter,
  knex: knexWriter,
  django,
  alembic,
};

/** The frameworks with a writer, for flags and messages. */
export const FRAMEWORKS = Object.keys(WRITERS) as FrameworkWriter['framework'][];
