// The spelling dictionaries the server and the CLI ship with (server/src/host/dictionaries.json), prepared into
// dist/dictionaries/: each npm package's trie re-encoded in cspell-trie-lib's binary form, which loads in tens of
// milliseconds instead of most of a second (French: 0.7 s and 110 MB as text, 40 ms and 9 MB as binary), its
// suggestion costs, and its licences. Skipped when they were prepared from the same packages.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';
import { decodeTrie, encodeITrieToBTrie } from 'cspell-trie-lib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
export const DICTIONARY_FOLDER = path.join(ROOT, 'dist/dictionaries');
/** The binary form is cspell-trie-lib's: prepared again when its version changes. */
const ENCODER = `cspell-trie-lib@${JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/cspell-trie-lib/package.json'), 'utf8')).version}`;

export async function prepareDictionaries(folder = DICTIONARY_FOLDER) {
  const table = JSON.parse(fs.readFileSync(path.join(ROOT, 'server/src/host/dictionaries.json'), 'utf8'));
  fs.mkdirSync(folder, { recursive: true });
  for (const [language, { package: name, trie, name: title, costsFrom }] of Object.entries(table)) {
    const manifestFile = require.resolve(`${name}/cspell-ext.json`);
    const source = path.dirname(manifestFile);
    const input = path.join(source, trie);
    const output = path.join(folder, `${language}.btrie.gz`);
    const infoFile = path.join(folder, `${language}.json`);
    const { version } = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8'));
    const from = { package: `${name}@${version}`, encoder: ENCODER, ...(costsFrom ? { costsFrom } : {}) };
    if (fs.existsSync(output) && fs.existsSync(infoFile)) {
      const previous = JSON.parse(fs.readFileSync(infoFile, 'utf8'));
      if (previous.package === from.package && previous.encoder === from.encoder && previous.costsFrom === from.costsFrom) continue;
    }
    const binary = encodeITrieToBTrie(decodeTrie(zlib.gunzipSync(fs.readFileSync(input))));
    const information = informationOf(manifestFile, costsFrom);
    // The package's licence, then the word list's own (SCOWL for English, Grammalecte's MPL 2.0 for French).
    const sources = path.join(source, 'src');
    const readmes = fs.existsSync(sources) ? fs.readdirSync(sources, { recursive: true }).filter((f) => /README/i.test(String(f))) : [];
    const licence = [`${title} dictionary: ${name}@${version}`, fs.readFileSync(path.join(source, 'LICENSE'), 'utf8'), ...readmes.map((f) => fs.readFileSync(path.join(source, 'src', String(f)), 'utf8'))];
    write(path.join(folder, `${language}.LICENSE.txt`), licence.join('\n\n'));
    write(output, zlib.gzipSync(binary, { level: 9 }));
    // Written last: it says which packages the folder was prepared from.
    write(infoFile, JSON.stringify({ name: title, ...from, information }, null, 2) + '\n');
  }
}

/**
 * A dictionary's suggestion costs (which letters are typed for which), from its package, or from a package of the
 * same alphabet when it has none (British English takes American English's).
 */
export function informationOf(manifestFile, costsFrom) {
  const own = JSON.parse(fs.readFileSync(manifestFile, 'utf8')).dictionaryDefinitions?.[0]?.dictionaryInformation;
  if (!costsFrom) return own;
  const borrowed = JSON.parse(fs.readFileSync(require.resolve(`${costsFrom}/cspell-ext.json`), 'utf8')).dictionaryDefinitions?.[0]?.dictionaryInformation;
  return { ...borrowed, ...own };
}

/** Whole or not at all (a server or a second build may read the folder meanwhile). */
function write(file, data) {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, data);
  fs.renameSync(temporary, file);
}
