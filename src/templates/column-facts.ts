/**
 * Template helpers for what a replaced column carries (its full definition, indexes, unique and foreign-key constraints, default, NOT NULL, comment) and what depends on a column. Each answers without a schema too (from the parameters alone), so a
 * template works with and without one.
 */
import type { HelperDelegate } from 'handlebars';
import type { SchemaBinding } from './schema-binding.js';

export function columnFactsHelpers(_binding: SchemaBinding): Record<string, HelperDelegate> {
  return {};
}
