// Fails the build when the JavaScript a first visit loads is over budget,
// or when dist/index.html carries an inline script or style (the server's
// CSP would refuse them). The initial JavaScript is what dist/index.html
// references directly: its module <script src> and <link rel=modulepreload>
// files, gzipped one by one as the server would send them compressed.
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = Number(process.env.JS_BUDGET_KB ?? 170);
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const indexPath = join(dist, 'index.html');
if (!existsSync(indexPath)) {
  console.error('check-budget: dist/index.html is missing; run `vite build` first');
  process.exit(1);
}
const html = readFileSync(indexPath, 'utf8');

const problems = [];
for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
  if (!/\bsrc=/.test(m[1]) || m[2].trim() !== '') problems.push(`inline script: ${m[0].slice(0, 80)}`);
}
if (/<style\b/i.test(html)) problems.push('inline <style> element');
if (/\sstyle=/i.test(html)) problems.push('inline style attribute');

const files = new Set();
for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+\.js)"/gi)) files.add(m[1]);
for (const m of html.matchAll(/<link\b[^>]*rel="modulepreload"[^>]*>/gi)) {
  const href = /href="([^"]+)"/.exec(m[0]);
  if (href) files.add(href[1]);
}
if (files.size === 0) problems.push('no module script found in dist/index.html');

let total = 0;
const rows = [];
for (const f of files) {
  const path = join(dist, f.replace(/^\//, ''));
  const gz = gzipSync(readFileSync(path), { level: 9 }).length;
  total += gz;
  rows.push(`  ${(gz / 1024).toFixed(1).padStart(7)} KB  ${f}`);
}
console.log(`Initial JavaScript (gzipped), budget ${BUDGET_KB} KB:`);
console.log(rows.join('\n'));
console.log(`  ${(total / 1024).toFixed(1).padStart(7)} KB  total`);
if (total > BUDGET_KB * 1024) problems.push(`initial JavaScript is ${(total / 1024).toFixed(1)} KB gzipped, over the ${BUDGET_KB} KB budget`);

if (problems.length) {
  for (const p of problems) console.error(`check-budget: ${p}`);
  process.exit(1);
}
console.log('check-budget: ok');
