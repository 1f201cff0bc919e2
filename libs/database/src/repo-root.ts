import fs from 'node:fs';
import path from 'node:path';

/** The checkout's root, found from this file both in the sources and in the compiled `dist/`. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!(fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'prisma')))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no project root above ${__dirname}`);
    dir = parent;
  }
  return dir;
}
