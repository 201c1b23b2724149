/**
 * Rules about the statements themselves (a task's `sql`): each parses with its engine's own parser, and
 * uses only placeholders the plan declares. A statement that does not parse cannot be reviewed by the
 * other rules, nor rehearsed, nor run.
 */
import { didYouMean } from '../errors.js';
import { LOOP_PLACEHOLDERS } from '../model/schema.js';
import { ENGINE_NAMES, lineColumn } from '../sql/engines.js';
import type { RuleContext, SqlStatement } from './context.js';
import type { Rule, RuleHit } from './types.js';

/** Every task, scheduled or not: a statement is broken whatever the graph around it. */
const allTasks = (ctx: RuleContext) => ctx.tasks.keys();

/** `"T1" sql.up[2], statement 2`: where a statement stands, in every message about one. */
export const statementName = (ctx: RuleContext, v: number, s: SqlStatement) => `"${ctx.tasks[v]!.id}" ${s.label}, statement ${s.index}`;

export const statementSyntax: Rule = {
  id: 'statement-syntax',
  category: 'integrity',
  severity: 'error',
  summary: "Every statement of a task's `sql` parses with its engine's own parser.",
  hint: 'fix the statement where the parser points (line and column inside the statement)',
  why: "A statement that does not parse fails when the migration runs, usually after the steps before it have run. Parsing it at check time with the engine's own parser (PostgreSQL's, MySQL's or SQLite's grammar, JavaScript for mongosh) finds the mistake before anyone runs anything, and lets the other rules read what the statement does instead of guessing from its text.",
  sources: ['squawk (parses with PostgreSQL\'s grammar before linting)', 'sqlfluff `PRS` (unparsable section)', 'Atlas `migrate lint` (statements are parsed before analysis)'],
  check(ctx) {
    const hits: RuleHit[] = [];
    if (!ctx.engine) {
      const first = [...allTasks(ctx)].find((v) => ctx.hasSql(v));
      if (first !== undefined) {
        hits.push({ path: ['database'], message: `"${ctx.tasks[first]!.id}" and maybe others carry sql statements, but the plan names no database to parse them with`,
          hint: 'add database: postgres, mysql, sqlite or mongodb' });
      }
      return hits;
    }
    for (const v of allTasks(ctx)) {
      for (const s of ctx.sql(v)) {
        const error = s.parsed?.error;
        if (!error) continue;
        hits.push({ task: v, field: s.field, within: { line: error.line, column: error.column },
          message: `${statementName(ctx, v, s)}: ${error.message} (${ENGINE_NAMES[ctx.engine]} parser, line ${error.line}, column ${error.column} of the statement)` });
      }
    }
    return hits;
  },
};

export const placeholderDeclared: Rule = {
  id: 'placeholder-declared',
  category: 'integrity',
  severity: 'error',
  summary: "A statement's `:name` placeholders are declared in the plan's `placeholders`; `:from` and `:to` appear only in a loop's statement.",
  hint: 'declare the placeholder under placeholders (name, description, example), or fix its name',
  why: 'A placeholder is a value only whoever runs the plan knows (the owner tenant\'s id). An undeclared one is a typo or a value nobody will be asked for: the statement would run with it unset. `:from` and `:to` are given by a batched loop to its statement and exist nowhere else.',
  sources: ['psql (`:name` variables must be set with \\set or -v)', 'sqlx / DB-API named parameters (an unbound parameter is an error)'],
  check(ctx) {
    if (!ctx.engine) return [];
    const declared = ctx.plan.placeholders.map((p) => p.name);
    const known = new Set(declared);
    const loops = new Set<string>(LOOP_PLACEHOLDERS);
    const hits: RuleHit[] = [];
    for (const v of allTasks(ctx)) {
      for (const s of ctx.sql(v)) {
        const seen = new Set<string>();
        for (const { name, offset } of s.parsed?.uses ?? []) {
          if (seen.has(name) || (loops.has(name) ? s.batched : known.has(name))) continue;
          seen.add(name);
          const guess = loops.has(name) ? undefined : didYouMean(name, declared);
          hits.push({ task: v, field: s.field, within: lineColumn(s.text, offset),
            message: loops.has(name)
              ? `${statementName(ctx, v, s)} uses :${name}, which only a loop gives its own statement`
              : `${statementName(ctx, v, s)} uses :${name}, which the plan does not declare`,
            hint: loops.has(name) ? 'move the statement into a loop (run, loop: {key, batch, bounds, remaining}), or use a declared placeholder'
              : guess ? `did you mean :${guess}?` : undefined });
        }
      }
    }
    return hits;
  },
};

export const statementRules: Rule[] = [statementSyntax, placeholderDeclared];
