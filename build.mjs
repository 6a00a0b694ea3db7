// Builds dist/ as one ESM bundle (plus lazily loaded chunks): a daemon that loads one file instead of
// hundreds starts in well under a second. Type checking is tsc's job (npm run typecheck).
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

await rm('dist', { recursive: true, force: true });
await build({
  entryPoints: { main: 'src/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  // Native and wasm packages load files next to themselves; they stay in node_modules.
  external: ['sqlite3', 'xmllint-wasm'],
  // Bundled CommonJS packages call require(); give the bundle one.
  banner: { js: "import { createRequire as __efmCreateRequire } from 'node:module'; const require = __efmCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
