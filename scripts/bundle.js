// Bundles each command with the project's own modules and zod into dist/cli/ (code shared by several
// commands split into chunks), at build time (npm run build). Start-up then reads a handful of files
// instead of ~150 (zod alone is 95 modules, our own 51 for `plan check`): Node 20 has no compile cache, so
// every module costs a resolution, a read and a compile. Every other package stays an import: @oclif/core
// must be the one oclif itself loads, and parsers, databases and renderers load on first need.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const commands = join(root, 'dist', 'commands');
const out = join(root, 'dist', 'cli');

const entries = (dir) => readdirSync(dir).flatMap((name) => {
  const path = join(dir, name);
  return statSync(path).isDirectory() ? entries(path) : name.endsWith('.js') ? [path] : [];
});

/** Bundled packages: zod, and @oclif/core with what it loads at start (one copy, shared by bin and the commands). */
const BUNDLED = /^(zod|@oclif\/core|semver|minimatch|ejs|debug|ms|supports-color|has-flag|lilconfig|get-package-type|tinyglobby|fdir|picomatch|string-width|strip-ansi|ansi-regex|wrap-ansi|widest-line|indent-string|is-wsl|is-docker|is-inside-container|wsl-utils|powershell-utils|cli-spinners|wordwrap|is-fullwidth-code-point|emoji-regex|escape-string-regexp|ansis|clean-stack|ansi-escapes|cli-progress|brace-expansion|balanced-match)(\/|$)/;
const packagesOutside = {
  name: 'packages-outside',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (BUNDLED.test(args.path) || args.path.startsWith('node:') ? undefined : { path: args.path, external: true }));
  },
};
/**
 * zod's index re-exports its error messages in 40-odd languages (260 KB of the bundle); the plan's messages
 * are its own, in English, so only zod's English locale (the one it configures by default) is bundled.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) => (/[\\/]zod[\\/]/.test(args.importer)
      ? { path: args.importer, namespace: 'zod-locales' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: "export { default as en } from '../locales/en.js';",
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/** @oclif/core is CommonJS: it requires packages and reads its own package.json beside its lib/. */
const banner = [
  "import { createRequire as planCreateRequire } from 'node:module';",
  "import { dirname as planDirname, join as planJoin } from 'node:path';",
  'const require = planCreateRequire(import.meta.url);',
  "const __dirname = planJoin(planDirname(require.resolve('@oclif/core/package.json')), 'lib');",
  "const __filename = planJoin(__dirname, 'index.js');",
].join('\n');

rmSync(out, { recursive: true, force: true });
const result = await build({
  entryPoints: [...entries(commands).map((path) => ({ in: path, out: join('commands', relative(commands, path).replace(/\.js$/, '')) })), { in: join(root, 'dist', 'src', 'cli', 'execute.js'), out: 'execute' }],
  outdir: out,
  banner: { js: banner },
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [zodEnglishOnly, packagesOutside],
  metafile: true,
  minify: true,
  keepNames: true,
  logLevel: 'warning',
});
if (process.env.PLAN_BUNDLE_META) (await import('node:fs')).writeFileSync(process.env.PLAN_BUNDLE_META, JSON.stringify(result.metafile));
console.log(`dist/cli: ${Object.keys(result.metafile.outputs).length} files from ${Object.keys(result.metafile.inputs).length} modules (${relative(root, commands)})`);
