/**
 * What rules ask of a plan, answered in linear time: "does some task upstream of X satisfy P?" is one
 * pass in topological order, so a rule costs O(tasks + edges) even on 100k-task plans.
 */
import type { Analysis } from '../analysis/analyze.js';
import { Operation, type OperationName, type Plan, type Risk, type Task, type TaskKindName } from '../model/schema.js';
import { parseSql, type Engine, type ParsedSql } from '../sql/engines.js';
import { factsOf, type Facts } from '../sql/facts.js';
import { statementSites, type StatementSite } from '../sql/statements.js';

const RISK_ORDER: Risk[] = ['low', 'medium', 'high', 'critical'];

export const riskRank = (risk: Risk) => RISK_ORDER.indexOf(risk);

/** A set of operations as a bit mask: rules test a task's ops with one AND, not a search. */
export type OpMask = number;

export function opMask(...ops: OperationName[]): OpMask {
  return ops.reduce((mask, op) => mask | (1 << Operation.options.indexOf(op)), 0);
}

/** One statement text of a task's `sql`, parsed once per check and shared by every rule that reads it. */
export interface SqlStatement extends StatementSite {
  /**
   * Undefined when the plan names no database: nothing to parse with. The tree itself is not kept: rules
   * read its facts, and a 20,000-table plan holds over half a million statements.
   */
  parsed?: Pick<ParsedSql, 'error' | 'uses'>;
  /** One per statement the text holds, in order; empty when it does not parse. */
  facts: Facts[];
}

export class RuleContext {
  readonly tasks: Task[];
  private readonly phaseRisk: Map<string, Risk>;
  private readonly ops: Uint32Array;
  private readonly upstreamKinds = new Map<TaskKindName, Uint8Array>();
  private readonly parsed: (SqlStatement[] | undefined)[];
  readonly engine: Engine | undefined;

  constructor(
    readonly plan: Plan,
    readonly analysis: Analysis,
    /** Every rule id of the catalog (what a suppression may name). */
    readonly ruleIds: ReadonlySet<string> = new Set(),
  ) {
    this.tasks = analysis.tasks;
    this.phaseRisk = new Map(plan.phases.map((p) => [p.id, p.risk]));
    this.ops = Uint32Array.from(this.tasks, (t) => opMask(...t.ops));
    this.parsed = new Array(this.tasks.length);
    this.engine = plan.database;
  }

  /** Scheduled tasks whose ops meet `mask` (the subjects of most rules). */
  withOps(mask: OpMask): number[] {
    return this.analysis.order.filter((v) => (this.ops[v]! & mask) !== 0);
  }

  hasOps(v: number, mask: OpMask): boolean {
    return (this.ops[v]! & mask) !== 0;
  }

  /** `upstream` for "a task of this kind", computed once and shared by the rules that ask. */
  upstreamOfKind(kind: TaskKindName): Uint8Array {
    let found = this.upstreamKinds.get(kind);
    if (!found) {
      found = this.upstream((t) => t.kind === kind);
      this.upstreamKinds.set(kind, found);
    }
    return found;
  }

  /** Scheduled tasks (not in or behind a cycle: those are integrity errors already). */
  scheduled(): number[] {
    return this.analysis.order;
  }

  /** `result[v]` is 1 when some task strictly upstream of v satisfies `test`. */
  upstream(test: (t: Task, v: number) => boolean): Uint8Array {
    const found = new Uint8Array(this.tasks.length);
    for (const v of this.analysis.order) {
      for (const d of this.analysis.predecessors[v]!) {
        if (found[d] || test(this.tasks[d]!, d)) {
          found[v] = 1;
          break;
        }
      }
    }
    return found;
  }

  /** `result[v]` is 1 when some task strictly downstream of v satisfies `test`. */
  downstream(test: (t: Task, v: number) => boolean): Uint8Array {
    const found = new Uint8Array(this.tasks.length);
    const order = this.analysis.order;
    for (let i = order.length - 1; i >= 0; i--) {
      const v = order[i]!;
      for (const w of this.analysis.successors[v]!) {
        if (found[w] || test(this.tasks[w]!, w)) {
          found[v] = 1;
          break;
        }
      }
    }
    return found;
  }

  /**
   * Every task downstream of `v` (v excluded) up to wave `maxWave`. A dependent is never in an earlier
   * wave than its dependency, so the walk can stop there: it stays within a couple of waves.
   */
  descendants(v: number, maxWave = Infinity): Set<number> {
    const seen = new Set<number>();
    const stack = [v];
    while (stack.length > 0) {
      for (const w of this.analysis.successors[stack.pop()!]!) {
        if (!seen.has(w) && (this.analysis.schedule.get(this.tasks[w]!.id)?.wave ?? Infinity) <= maxWave) {
          seen.add(w);
          stack.push(w);
        }
      }
    }
    return seen;
  }

  risk(v: number): Risk {
    return this.tasks[v]!.risk;
  }

  waveRisk(phases: readonly string[]): Risk {
    return phases.reduce<Risk>((max, id) => {
      const r = this.phaseRisk.get(id) ?? 'low';
      return riskRank(r) > riskRank(max) ? r : max;
    }, 'low');
  }

  /** Of `candidates`, those with no other candidate upstream: the first place a problem shows. */
  earliest(candidates: readonly number[]): number[] {
    const marked = new Uint8Array(this.tasks.length);
    for (const v of candidates) marked[v] = 1;
    const after = this.upstream((_, d) => marked[d] === 1);
    return candidates.filter((v) => !after[v]);
  }

  /** SQL and commands a task carries (its description), one statement per line. */
  statements(v: number): string[] {
    return this.tasks[v]!.description.split('\n').map((l) => l.trim()).filter(Boolean);
  }

  /**
   * The statements of a task's `sql`, parsed by the plan's engine on first request and kept: every
   * rule reads the same trees, so a check parses each statement once. Empty for a task without `sql`.
   */
  sql(v: number): SqlStatement[] {
    let found = this.parsed[v];
    if (!found) {
      const engine = this.engine;
      found = statementSites(this.tasks[v]!).map((site) => {
        const parsed = engine ? parseSql(engine, site.text) : undefined;
        return { ...site, parsed: parsed && { error: parsed.error, uses: parsed.uses }, facts: parsed?.tree ? factsOf(parsed.tree) : [] };
      });
      this.parsed[v] = found;
    }
    return found;
  }

  /** Whether a task states its statements as data (`sql`); rules read its parse trees then, not its description. */
  hasSql(v: number): boolean {
    return this.tasks[v]!.sql !== undefined;
  }
}
