// `npm start`: builds the console (npm run build:console) when apps/console/dist/index.html is
// missing or older than any of the console's sources, so a fresh clone, and a pull, serve the
// console they have. Tolerates a checkout without a console (nothing to build).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const consoleDir = path.join(root, 'apps', 'console');
const built = path.join(consoleDir, 'dist', 'index.html');
const scripts = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts ?? {};

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(file) : fs.statSync(file).mtimeMs);
  }
  return newest;
}

if (!scripts['build:console'] || !fs.existsSync(consoleDir)) process.exit(0);
const stale = !fs.existsSync(built) || fs.statSync(built).mtimeMs < newestSource(consoleDir);
if (stale) {
  console.log(fs.existsSync(built) ? 'console: sources changed, rebuilding…' : 'console: building (first start)…');
  execFileSync('npm', ['run', '--silent', 'build:console'], { cwd: root, stdio: 'inherit' });
}
