import * as fs from 'node:fs';
import * as path from 'node:path';

/** The dialog files (`*.bot.yaml`) under a folder, at any depth: a generated bot's files, for the in-process benches. */
export function botFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (full.endsWith('.bot.yaml')) files.push(full);
    }
  };
  walk(root);
  return files;
}
