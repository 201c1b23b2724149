/**
 * Catalog entries for the integrity checks that src/graph/analyze.ts performs. They are reported
 * through the same machinery as the safety rules (ids, docs, config), but the graph decides them.
 */
import type { RuleMeta } from './types.js';

const integrity = (meta: Omit<RuleMeta, 'category'>): RuleMeta => ({ ...meta, category: 'integrity' });

export const integrityRules: RuleMeta[] = [
  integrity({
    id: 'duplicate-id', severity: 'error',
    summary: 'Task and phase ids are unique.',
    hint: 'give each task its own id; dependencies would be ambiguous otherwise',
    why: 'Dependencies, trackers and reports refer to tasks by id. Two tasks with one id make every reference ambiguous.',
    sources: ['MP23', 'Sqitch'],
  }),
  integrity({
    id: 'unknown-dependency', severity: 'error',
    summary: 'Every dependency names a task of the plan.',
    hint: 'fix the id (the message suggests the closest one) or remove the dependency',
    why: 'A dependency on a task that does not exist is usually a typo, and it silently removes an ordering the author meant.',
    sources: ['MP23', 'Sqitch', 'Alembic'],
  }),
  integrity({
    id: 'self-dependency', severity: 'error',
    summary: 'No task depends on itself.',
    hint: 'remove the task from its own depends',
    why: 'A task that waits for itself can never start.',
    sources: ['MP23'],
  }),
  integrity({
    id: 'cycle', severity: 'error',
    summary: 'Dependencies form no cycle.',
    hint: 'remove one dependency of the cycle; the message lists its members in order',
    why: 'Tasks in a cycle wait for each other forever; no tracker can schedule them and no wave can hold them.',
    sources: ['MP23', 'Sqitch', 'Django multiple leaf nodes'],
  }),
  integrity({
    id: 'blocked-by-cycle', severity: 'info',
    summary: 'Tasks downstream of a cycle are listed: they have no wave until the cycle is broken.',
    hint: 'fix the cycle; these tasks need no change',
    why: 'A task outside a cycle that depends on one cannot start either. Listing them apart shows the cycle is the one thing to fix.',
    sources: ['MP23'],
  }),
  integrity({
    id: 'wave-order', severity: 'error',
    summary: 'A declared wave is not earlier than its dependencies allow.',
    hint: 'declare the wave the message suggests or later, or remove the dependency',
    why: 'A declared wave may postpone a task, never pull it before what it depends on: a plan that says otherwise would be run in the wrong order.',
    sources: ['seed 000 waves'],
  }),
  integrity({
    id: 'unknown-phase', severity: 'error',
    summary: 'Every task names one of the plan\'s phases.',
    hint: 'fix the phase id (the message suggests the closest one) or add the phase',
    why: 'The phase carries the rollback and the risk of the task; a task in an unknown phase has neither.',
    sources: ['seed 000 phase summary'],
  }),
  integrity({
    id: 'duplicate-dependency', severity: 'warning',
    summary: 'A dependency is listed once.',
    hint: 'remove the repeated entry',
    why: 'Harmless to the graph, but usually a copy-paste slip where another id was meant.',
    sources: ['MP23'],
  }),
  integrity({
    id: 'unknown-rule', severity: 'error',
    summary: 'A suppression names a rule that exists.',
    hint: 'fix the rule id (the message suggests the closest one)',
    why: 'A suppression of a misspelt rule suppresses nothing, and the reader believes the opposite.',
    sources: ['squawk', 'Atlas'],
  }),
];

/** Integrity errors keep their severity: switching them off would make waves and exports wrong. */
export const FIXED_RULES = new Set(['duplicate-id', 'unknown-dependency', 'self-dependency', 'cycle', 'wave-order', 'unknown-phase']);
