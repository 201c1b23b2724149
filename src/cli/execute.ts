/** What bin/run.js starts: oclif's own entry, bundled with the commands (scripts/bundle.js) so both share one @oclif/core. */
export { execute } from '@oclif/core';
