#!/usr/bin/env node
// The browser tests of the web app, end to end against the real binary:
//
//   1. the binary: $CALIBRATE_BIN, else bin/calibrate (`make build`, the web
//      app embedded) when it is newer than the sources it is built from,
//      else a fresh build into a temp dir (`npm run build`, then go build);
//   2. a fresh SQLite database in a temp dir — or the empty PostgreSQL
//      database $E2E_DATABASE_URL names (postgres://…; `make e2e` runs the
//      roll-up test there too, in a throwaway database) —: `calibrate serve --demo` loads
//      the demo organisations (and is stopped), `calibrate seed --org Big
//      --ems 300 --cycles 2` adds the organisation of the performance test
//      (it has to come second: --demo loads only into an empty database);
//   3. `calibrate serve` on a free port of 127.0.0.1, ready once /readyz is;
//   4. `node --test` over e2e/tests/*.test.mjs, one file at a time, against it
//      (Chromium from /usr/bin/chromium, or $CHROMIUM);
//   5. the server is stopped (SIGTERM) and the temp dir removed, pass or fail.
//
// Usage: npm run e2e [-- name-filter…]   e.g. npm run e2e -- board
// Screenshots, axe reports, perf.json, e2e.tap and server.log go to
// test-artifacts/ at the repository root (or $E2E_ARTIFACTS);
// docs/screenshots/board.png, feedback.png, meeting-mode.png, nine-box.png, shifts.png and phone-board.png are refreshed. Exit status 0
// only when every test passed; 2 when Chromium is missing.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const frontend = join(here, '..');
const root = join(frontend, '..');
const artifacts = process.env.E2E_ARTIFACTS ?? join(root, 'test-artifacts');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TOTAL_TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS ?? 10 * 60_000);
const started = Date.now();

const log = (msg) => console.log(`e2e: ${msg}`);
const secs = (ms) => `${(ms / 1000).toFixed(1)}s`;

let tmp = '';
let server = null;
let serverLog = '';
let tests = null;
let cleaning = null;

async function main() {
  if (!existsSync(chromiumPath)) {
    console.error(
      `e2e: Chromium is not installed at ${chromiumPath}; the browser tests cannot run.\n` +
        '     Install it with: apt-get update && apt-get install -y --no-install-recommends chromium\n' +
        '     (or point $CHROMIUM at a Chromium binary).',
    );
    return 2;
  }
  tmp = mkdtempSync(join(tmpdir(), 'calibrate-e2e-'));
  mkdirSync(join(artifacts, 'screenshots'), { recursive: true });
  // An earlier run's failure screenshots would mislead; the rest is overwritten.
  for (const f of readdirSync(join(artifacts, 'screenshots'))) {
    if (f.startsWith('FAILED-')) rmSync(join(artifacts, 'screenshots', f), { force: true });
  }
  const bin = binary();
  const pg = process.env.E2E_DATABASE_URL ?? '';
  if (pg && !/^postgres(ql)?:\/\//.test(pg)) throw new Error('E2E_DATABASE_URL must name an empty PostgreSQL database (postgres://…)');
  const env = { ...process.env, DATABASE_URL: pg || `sqlite:${join(tmp, 'db.sqlite')}` };
  delete env.CALIBRATE_ADDR;
  delete env.CALIBRATE_JWT_KEY;
  delete env.CALIBRATE_JWT_KEY_FILE;
  delete env.CALIBRATE_AUDIT_KEY;
  delete env.CALIBRATE_AUDIT_KEY_FILE;
  delete env.CALIBRATE_ALLOWED_ORIGINS;
  if (pg) {
    // PostgreSQL needs both keys given; SQLite generates its own.
    env.CALIBRATE_JWT_KEY = randomBytes(32).toString('hex');
    env.CALIBRATE_AUDIT_KEY = randomBytes(32).toString('hex');
  }
  log(`database: ${pg ? 'PostgreSQL, $E2E_DATABASE_URL' : 'SQLite in a temp dir'}`);

  // The demo organisations first (serve --demo loads them into an empty database only) …
  let port = await freePort();
  await startServer(bin, env, port, ['--demo']);
  await stopServer();
  // … then the 300-EM organisation of the performance test.
  const seed = spawnSync(bin, ['seed', '--org', 'Big', '--ems', '300', '--cycles', '2'], { env, encoding: 'utf8' });
  if (seed.status !== 0) throw new Error(`calibrate seed failed (${seed.status}): ${seed.stderr || seed.stdout}`);
  log(seed.stdout.trim());
  port = await freePort();
  const base = await startServer(bin, env, port, []);

  const filters = process.argv.slice(2);
  const files = readdirSync(join(here, 'tests'))
    .filter((f) => f.endsWith('.test.mjs'))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort()
    .map((f) => join('e2e', 'tests', f));
  if (files.length === 0) throw new Error(`no test file matches ${filters.join(' ')}`);
  log(`running ${files.length} test files against ${base} with ${chromiumPath}`);

  const tap = join(tmp, 'e2e.tap');
  const code = await new Promise((resolve) => {
    tests = spawn(
      process.execPath,
      [
        '--test',
        '--test-concurrency=1',
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=tap',
        `--test-reporter-destination=${tap}`,
        ...files,
      ],
      {
        cwd: frontend,
        stdio: 'inherit',
        env: { ...process.env, E2E_BASE_URL: base, E2E_ARTIFACTS: artifacts, CHROMIUM: chromiumPath },
      },
    );
    tests.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  tests = null;

  // The closing lines: counts from the TAP report, and one word.
  let pass = '?';
  let fail = '?';
  if (existsSync(tap)) {
    copyFileSync(tap, join(artifacts, 'e2e.tap'));
    const t = readFileSync(tap, 'utf8');
    pass = /^# pass (\d+)$/m.exec(t)?.[1] ?? '?';
    fail = /^# fail (\d+)$/m.exec(t)?.[1] ?? '?';
  }
  console.log(`# pass ${pass}`);
  console.log(`# fail ${fail}`);
  return code === 0 ? 0 : 1;
}

// ---------------------------------------------------------------- binary

const SOURCES = ['go.mod', 'go.sum', 'cmd', 'internal', 'migrations', 'api', 'frontend/src', 'frontend/index.html', 'frontend/public', 'frontend/embed.go', 'frontend/package-lock.json'];

function newestSource() {
  let newest = { path: '', mtime: 0 };
  const visit = (p) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) {
      for (const e of readdirSync(p)) visit(join(p, e));
    } else if (!p.endsWith('_test.go') && !p.endsWith('.test.ts') && s.mtimeMs > newest.mtime) {
      newest = { path: p, mtime: s.mtimeMs };
    }
  };
  for (const s of SOURCES) visit(join(root, s));
  return newest;
}

function run(cmd, args, opts) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
}

function binary() {
  if (process.env.CALIBRATE_BIN) {
    log(`using $CALIBRATE_BIN=${process.env.CALIBRATE_BIN}`);
    return process.env.CALIBRATE_BIN;
  }
  const built = join(root, 'bin', 'calibrate');
  if (existsSync(built)) {
    const newest = newestSource();
    if (statSync(built).mtimeMs >= newest.mtime) {
      log('using bin/calibrate');
      return built;
    }
    log(`bin/calibrate is older than ${relative(root, newest.path)}; building a fresh binary for this run (\`make build\` refreshes bin/calibrate)`);
  } else {
    log('bin/calibrate is missing (`make build` makes it); building a binary for this run');
  }
  run('npm', ['run', 'build'], { cwd: frontend });
  // Vite empties dist/; its committed placeholder comes back.
  writeFileSync(join(frontend, 'dist', '.gitkeep'), '');
  const out = join(tmp, 'calibrate');
  run('go', ['build', '-trimpath', '-o', out, './cmd/calibrate'], {
    cwd: root,
    env: { ...process.env, GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'go1.27.3', CGO_ENABLED: '0' },
  });
  return out;
}

// ---------------------------------------------------------------- server

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startServer(bin, env, port, extra) {
  const base = `http://127.0.0.1:${port}`;
  serverLog = join(tmp, 'server.log');
  const out = openSync(serverLog, 'a');
  server = spawn(bin, ['serve', ...extra, '--addr', `127.0.0.1:${port}`], { env, stdio: ['ignore', out, out] });
  closeSync(out);
  let exited = null;
  server.on('exit', (code, signal) => (exited = code ?? signal));
  const t0 = Date.now();
  for (;;) {
    if (exited !== null) throw new Error(`calibrate serve exited (${exited}) before it was ready:\n${tail(serverLog)}`);
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - t0 > 30_000) throw new Error(`calibrate serve was not ready within 30s:\n${tail(serverLog)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  log(`server${extra.length ? ` (${extra.join(' ')})` : ''} ready on ${base} in ${secs(Date.now() - t0)} (pid ${server.pid})`);
  return base;
}

async function stopServer() {
  const s = server;
  server = null;
  if (!s || s.exitCode !== null || s.signalCode !== null) return;
  const gone = new Promise((r) => s.once('exit', r));
  s.kill('SIGTERM');
  const timer = setTimeout(() => s.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(timer);
}

function tail(file, n = 40) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '(no server log)';
  }
}

// ---------------------------------------------------------------- cleanup

function cleanup() {
  cleaning ??= (async () => {
    if (tests && tests.exitCode === null) tests.kill('SIGTERM');
    await stopServer().catch(() => {});
    if (tmp) {
      if (serverLog && existsSync(serverLog)) copyFileSync(serverLog, join(artifacts, 'server.log'));
      rmSync(tmp, { recursive: true, force: true });
    }
  })();
  return cleaning;
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, async () => {
    console.error(`e2e: ${sig}: stopping the server and cleaning up`);
    await cleanup();
    process.exit(130);
  });
}

const watchdog = setTimeout(async () => {
  console.error(`e2e: FAILED: the run took longer than ${secs(TOTAL_TIMEOUT_MS)}; stopping`);
  await cleanup();
  process.exit(1);
}, TOTAL_TIMEOUT_MS);
watchdog.unref();

let status = 1;
try {
  status = await main();
} catch (err) {
  console.error(`e2e: ${err.stack ?? err}`);
  status = 1;
} finally {
  await cleanup();
}
if (status !== 2) {
  console.log(
    status === 0
      ? `e2e: PASSED in ${secs(Date.now() - started)}`
      : `e2e: FAILED in ${secs(Date.now() - started)} (server log: test-artifacts/server.log; screenshots: test-artifacts/screenshots/)`,
  );
}
process.exit(status);
