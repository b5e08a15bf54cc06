/**
 * The spelling dictionaries, for the server and the CLI (the language service reads no files). One dictionary per
 * language (`en`, `fr`), chosen by a locale's first subtag (`fr-CA` → `fr`), loaded on first use and kept for the life
 * of the process.
 *
 * Where they are: `dist/dictionaries/<language>.btrie.gz` next to the bundles (scripts/build.mjs prepares them from the
 * npm packages in a form that loads in tens of milliseconds), else the npm package's own `.trie.gz` (tests run from
 * `out/`; slower: 0.2 s for English, 0.7 s for French).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { decodeTrie, mapDictionaryInformationToWeightMap } from 'cspell-trie-lib';
import type { ITrie, WeightMap } from 'cspell-trie-lib';
import type { Speller, SpellerProvider } from '../service';
import DICTIONARIES from './dictionaries.json';

type Information = Parameters<typeof mapDictionaryInformationToWeightMap>[0];

/** The languages with a dictionary. */
export const SPELLING_LANGUAGES = Object.keys(DICTIONARIES);

/** The dictionaries prepared by the build, next to the bundles (`dist/server/…` → `dist/dictionaries/`). */
export const BUNDLED_DICTIONARIES = path.join(__dirname, '..', 'dictionaries');

class TrieSpeller implements Speller {
  private weights?: WeightMap | null;

  constructor(
    readonly name: string,
    private readonly trie: ITrie,
    private readonly information: Information | undefined,
  ) {}

  check(word: string): boolean {
    return this.trie.hasWord(word, true);
  }

  suggest(word: string, max: number): string[] {
    // The costs of likely mistakes (accents, doubled letters…) that the dictionary's package describes.
    this.weights ??= this.information ? mapDictionaryInformationToWeightMap(this.information) : null;
    return this.trie
      .suggestWithCost(word, {
        numSuggestions: max,
        includeTies: false,
        // Among the words as the dictionary writes them (accents and capitals are cheap edits in the weights), up to
        // three edits: as good as the defaults (both cases, five edits) on common typos, in about half the time.
        ignoreCase: false,
        changeLimit: 3,
        timeout: 300,
        weightMap: this.weights ?? undefined,
      })
      .filter((s) => this.trie.hasWord(s.word, true))
      .map((s) => s.word);
  }
}

/** Loaded dictionaries, by file: shared by every provider of the process. */
const loaded = new Map<string, Speller | undefined>();

export interface SpellersOptions {
  /** The folder of prepared dictionaries (default: next to the bundle). */
  folder?: string;
  /** Told once per language when its dictionary is loaded, with how long it took. */
  onLoad?: (message: string) => void;
  /** Told once per language when its dictionary cannot be loaded, and why. */
  onError?: (message: string) => void;
}

/** The provider the language service asks for a locale's dictionary (undefined: the language has none). */
export function createSpellers(options: SpellersOptions = {}): SpellerProvider {
  const folder = options.folder ?? BUNDLED_DICTIONARIES;
  const byLanguage = new Map<string, Speller | undefined>();
  return (locale) => {
    const language = locale.toLowerCase().split(/[-_]/)[0];
    if (byLanguage.has(language)) return byLanguage.get(language);
    const speller = Object.hasOwn(DICTIONARIES, language) ? load(language, folder, options) : undefined;
    byLanguage.set(language, speller);
    return speller;
  };
}

function load(language: string, folder: string, { onLoad, onError }: SpellersOptions): Speller | undefined {
  const entry = DICTIONARIES[language as keyof typeof DICTIONARIES];
  const files = locate(language, folder);
  if (!files) {
    onError?.(`no ${entry.name} dictionary found (${path.join(folder, `${language}.btrie.gz`)} or the package ${entry.package}): ${entry.name} texts are not spell-checked.`);
    return undefined;
  }
  if (loaded.has(files.trie)) return loaded.get(files.trie);
  const started = performance.now();
  let speller: Speller | undefined;
  try {
    const trie = decodeTrie(zlib.gunzipSync(fs.readFileSync(files.trie)));
    speller = new TrieSpeller(entry.name, trie, files.information);
    onLoad?.(`loaded the ${entry.name} dictionary in ${Math.round(performance.now() - started)} ms (${files.trie}).`);
  } catch (e) {
    onError?.(`cannot load the ${entry.name} dictionary ${files.trie}: ${(e as Error).message}. ${entry.name} texts are not spell-checked.`);
  }
  loaded.set(files.trie, speller);
  return speller;
}

/** The trie file and the suggestion costs of a language: prepared by the build, else from its npm package. */
function locate(language: string, folder: string): { trie: string; information?: Information } | undefined {
  const prepared = path.join(folder, `${language}.btrie.gz`);
  if (fs.existsSync(prepared)) {
    let information: Information | undefined;
    try {
      information = JSON.parse(fs.readFileSync(path.join(folder, `${language}.json`), 'utf8')).information;
    } catch {
      information = undefined;
    }
    return { trie: prepared, information };
  }
  const entry = DICTIONARIES[language as keyof typeof DICTIONARIES];
  try {
    const manifest = require.resolve(`${entry.package}/cspell-ext.json`);
    const trie = path.join(path.dirname(manifest), entry.trie);
    if (!fs.existsSync(trie)) return undefined;
    const information = JSON.parse(fs.readFileSync(manifest, 'utf8')).dictionaryDefinitions?.[0]?.dictionaryInformation;
    return { trie, information };
  } catch {
    return undefined;
  }
}
