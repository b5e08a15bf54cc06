/**
 * The spelling dictionaries, for the server and the CLI (the language service reads no files). One dictionary per
 * language (`en`, `fr`), chosen by a locale's first subtag (`fr-CA` → `fr`), and British English for the English of
 * the countries that spell that way (`en-GB`, `en-AU`…: see `dictionaryOf`); loaded on first use and kept for the life
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

/** English locales spelt the British way (`colour`, `organise`); other English locales get American English. */
const BRITISH_REGIONS = new Set(['gb', 'uk', 'ie', 'au', 'nz', 'za', 'in']);

/** The dictionary of a locale (a key of dictionaries.json), or undefined when its language has none. */
export function dictionaryOf(locale: string): string | undefined {
  const [language, region] = locale.toLowerCase().split(/[-_]/);
  const key = language === 'en' && region !== undefined && BRITISH_REGIONS.has(region) ? 'en-gb' : language;
  return Object.hasOwn(DICTIONARIES, key) ? key : undefined;
}

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
  const byDictionary = new Map<string, Speller | undefined>();
  return (locale) => {
    const dictionary = dictionaryOf(locale);
    if (dictionary === undefined) return undefined;
    if (byDictionary.has(dictionary)) return byDictionary.get(dictionary);
    const speller = load(dictionary, folder, options);
    byDictionary.set(dictionary, speller);
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
    const costsFrom = (entry as { costsFrom?: string }).costsFrom;
    const informationOf = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')).dictionaryDefinitions?.[0]?.dictionaryInformation;
    // Suggestion costs from a package of the same alphabet when the dictionary's own has none (as scripts/dictionaries.mjs).
    const information = { ...(costsFrom ? informationOf(require.resolve(`${costsFrom}/cspell-ext.json`)) : {}), ...informationOf(manifest) };
    return { trie, information };
  } catch {
    return undefined;
  }
}
