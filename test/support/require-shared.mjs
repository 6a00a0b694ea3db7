// The conformance run and the tests that read its fixtures need ../shared beside this checkout. Say so
// clearly instead of letting a missing file look like a harness failure.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const harness = fileURLToPath(new URL('../../../shared/conformance/run.mjs', import.meta.url));
if (!existsSync(harness)) {
  console.error(`../shared/conformance is missing (looked for ${harness}); clone the shared folder beside this checkout`);
  process.exit(1);
}
