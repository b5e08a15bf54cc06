/** File-system access for the server and the CLI (the language service itself never touches the disk). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDialogFile } from '../service/files';

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.vscode-test', 'dist', 'out']);

/** Every dialog file in a folder and below (symbolic links are not followed, so loops cannot hang the walk). */
export function findDialogFiles(root: string, limit = 100_000): string[] {
  const found: string[] = [];
  const stack = [root];
  while (stack.length > 0 && found.length < limit) {
    const folder = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name) && !entry.name.startsWith('.')) stack.push(full);
      } else if (entry.isFile() && isDialogFile(entry.name)) found.push(full);
    }
  }
  return found.sort();
}

export interface ReadResult {
  text: string;
  /** Set when the bytes are not valid UTF-8. */
  invalidUtf8?: boolean;
}

/** Reads a file as UTF-8; invalid bytes become U+FFFD, which the service reports as `not-text`. */
export function readText(file: string): ReadResult {
  const bytes = fs.readFileSync(file);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text };
  } catch {
    text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    if (!text.includes('\uFFFD')) text = '\uFFFD' + text;
    return { text, invalidUtf8: true };
  }
}

export function fileUri(file: string): string {
  return pathToFileURL(path.resolve(file)).toString();
}

/**
 * The folder of the bot a path belongs to: the nearest folder at or above it with a dialog file that has a `bot:`
 * section (only the first 64 KB of each file are read). Undefined when the path belongs to no bot.
 */
export function findBotRoot(start: string): string | undefined {
  let folder: string;
  try {
    folder = fs.statSync(start).isDirectory() ? start : path.dirname(start);
  } catch {
    folder = path.dirname(start);
  }
  for (;;) {
    let entries: string[] = [];
    try {
      entries = fs.readdirSync(folder);
    } catch {
      // an unreadable folder: look further up
    }
    if (entries.some((entry) => isDialogFile(entry) && /^bot\s*:/m.test(head(path.join(folder, entry))))) return folder;
    const parent = path.dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

function head(file: string): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(64 * 1024);
      return buffer.subarray(0, fs.readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}
