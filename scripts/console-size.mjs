// After `vite build`: the gzipped JavaScript the browser loads before the first screen (the entry
// script and every chunk index.html preloads), against the 300 KB budget. Routes are split
// with lazy(), so a screen's own code is not part of this figure.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 300 * 1024;
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'apps', 'console', 'dist');
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
const files = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/([^"]+\.js)"/g)].map(
  (match) => match[1],
);
let total = 0;
for (const file of files) {
  const size = gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length;
  total += size;
  console.log(`  ${file}: ${(size / 1024).toFixed(1)} KB gzipped`);
}
console.log(`first load: ${(total / 1024).toFixed(1)} KB of gzipped JavaScript (budget ${BUDGET_BYTES / 1024} KB)`);
if (files.length === 0 || total > BUDGET_BYTES) {
  console.error(files.length === 0 ? 'no script found in index.html' : 'over the first-load budget');
  process.exit(1);
}
