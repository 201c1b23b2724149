import fc from 'fast-check';

/** Hostile pieces mixed into random strings: quotes, expansions, escapes, options, unicode. */
export const HOSTILE = fc.constantFrom("'", '"', '$(touch pwned)', '`touch pwned`', '${HOME}', '$HOME', '\\', '\\n', '\n', '\r',
  '\t', ' ', '-rf', '--', '!', '*', '?', '[a]', '~', '#', ';', '|', '&', '>', '<', '%', 'é', '日本', '🙂', '\u202e', 'a\u0301',
  'end', '"]', '-->', '{{', '}}', ':::', 'subgraph', '<br>', '&amp;');
export const hostileString = fc.array(fc.oneof(HOSTILE, fc.string({ unit: 'binary', maxLength: 6 })), { minLength: 1, maxLength: 8 })
  .map((parts) => parts.join('').replace(/\0/g, ''));
