// Fails when src/api/schema.d.ts is not what `npm run gen:api` makes from
// ../api/openapi.yaml today: the committed types must follow the contract.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'calibrate-api-'));
const fresh = join(dir, 'schema.d.ts');
try {
  execFileSync(join(root, 'node_modules', '.bin', 'openapi-typescript'), [join(root, '..', 'api', 'openapi.yaml'), '-o', fresh], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const committed = readFileSync(join(root, 'src', 'api', 'schema.d.ts'), 'utf8');
  if (readFileSync(fresh, 'utf8') !== committed) {
    console.error('check:api: src/api/schema.d.ts is out of date with api/openapi.yaml; run `npm run gen:api` and commit it');
    process.exit(1);
  }
  console.log('check:api: src/api/schema.d.ts matches api/openapi.yaml');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
