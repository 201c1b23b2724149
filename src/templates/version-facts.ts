/**
 * Template helpers for what the server version decides (fast defaults, NOT NULL through CHECK, INSTANT, INPLACE) and the citation a task gives. Each answers without a schema too (from the parameters alone), so a
 * template works with and without one.
 */
import type { HelperDelegate } from 'handlebars';
import type { SchemaBinding } from './schema-binding.js';

export function versionFactsHelpers(_binding: SchemaBinding): Record<string, HelperDelegate> {
  return {};
}
