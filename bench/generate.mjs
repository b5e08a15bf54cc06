#!/usr/bin/env node
/**
 * Generates a large, valid Botmaster bot for benchmarks, into bench/generated/<name>/ (git-ignored).
 *
 * The training examples are the real phrasing of CLINC150 (../shared/data/clinc150/train_val.json beside the repository, or
 * $CLINC150_JSON): Larson et al., "An Evaluation Dataset for Intent Classification and Out-of-Scope Prediction",
 * EMNLP 2019, licensed CC BY 3.0. Its 150 intents x 120 utterances (train + val) are multiplied into as many intents
 * as asked: namespaced ids like `banking.balance_v17`, and examples varied by prefixes, suffixes, word swaps and the
 * odd typo so that they are not all identical.
 *
 * Layout (default "issue-2" size: 5,000 intents, 100,000 examples, 10,000 nodes, 100 files):
 *   bot.bot.yaml                 manifest (locales [en], start, fallback, global `on`), entities, slots, responses
 *   nlu/training_data.bot.yaml   ONE LARGE intent file (~1,000 intents, ~25k lines, ~1 MB): the edit-latency target
 *   nlu/<domain>_NN.bot.yaml     the other intents
 *   flows/main.bot.yaml          welcome, main menu, anything else, goodbye, global fallback, hand-off
 *   flows/<domain>_NN.bot.yaml   flows whose nodes use say/ask/set/response/on/goto/flow/branch/quick_replies/end/handoff
 *
 * Every reference is valid, every node is reachable from `start` (each flow chains to the next with `flow:`, and the
 * nodes of a flow form a spanning tree through goto/branch/quick replies), every intent is used by some `on`, every
 * slot and response is used: `botmaster check` reports no problem. Deterministic: the same options give the same bytes.
 *
 * Usage: node bench/generate.mjs [--quick] [--name N] [--intents N] [--examples N] [--nodes N] [--files N]
 *                                [--large-intents N] [--seed S] [--out DIR] [--force]
 * As a module: import { generate, optionsFor } from './generate.mjs'.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const GENERATED = path.join(HERE, 'generated');
const CLINC = process.env.CLINC150_JSON ?? path.resolve(HERE, '../../shared/data/clinc150/train_val.json');
const DOMAINS = path.join(path.dirname(CLINC), 'domains.json');

export const SIZES = {
  'issue-2': { intents: 5000, examples: 100000, nodes: 10000, files: 100 },
  'issue-3': { intents: 10000, examples: 200000, nodes: 20000, files: 200 },
  quick: { intents: 500, examples: 10000, nodes: 1000, files: 10 },
};

/** Options for a size name, overridden by explicit values. */
export function optionsFor(size, overrides = {}) {
  const base = SIZES[size] ?? SIZES['issue-2'];
  const o = { name: size, seed: 'botmaster-bench', ...base };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) o[k] = v;
  if (o.largeIntents === undefined) {
    // About a fifth of the intents (1,000 at the default size, ~25k lines), and always the biggest intent file.
    const intentFiles = Math.max(1, o.files - 1 - Math.max(1, Math.round((o.files - 1) * 0.7)));
    o.largeIntents = Math.min(o.intents, Math.max(Math.min(1000, Math.round(o.intents * 0.2)), Math.round((2 * o.intents) / intentFiles)));
  }
  return o;
}

// ---- Deterministic randomness ------------------------------------------------------------------------------------

function hashSeed(s) {
  let h = 1779033703 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  return h >>> 0;
}

function mulberry32(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng = {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
    weighted(table) {
      let total = 0;
      for (const [, w] of table) total += w;
      let r = next() * total;
      for (const [v, w] of table) if ((r -= w) < 0) return v;
      return table[table.length - 1][0];
    },
    shuffle(list) {
      for (let i = list.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [list[i], list[j]] = [list[j], list[i]];
      }
      return list;
    },
  };
  return rng;
}

// ---- YAML text helpers -------------------------------------------------------------------------------------------

const RESERVED = new Set(['yes', 'no', 'y', 'n', 'on', 'off', 'true', 'false', 'null', '~']);
const PLAIN_SAFE = /^[A-Za-z][A-Za-z0-9 ,.?!'’\/&%$()+=;:\[\]"#-]*$/;

/** A scalar as YAML: plain when that reads back as the same string, double-quoted (JSON escapes) otherwise. */
export function yamlString(s) {
  if (PLAIN_SAFE.test(s) && !RESERVED.has(s.toLowerCase()) && !s.endsWith(' ') && !/ #|: |:$/.test(s)) return s;
  return JSON.stringify(s);
}

// ---- Source data -------------------------------------------------------------------------------------------------

function loadClinc() {
  if (!fs.existsSync(CLINC)) throw new Error(`CLINC150 data not found at ${CLINC} (set CLINC150_JSON).`);
  const data = JSON.parse(fs.readFileSync(CLINC, 'utf8'));
  const byIntent = new Map();
  for (const split of ['train', 'val']) {
    for (const [text, intent] of data[split]) {
      if (!byIntent.has(intent)) byIntent.set(intent, []);
      byIntent.get(intent).push(text);
    }
  }
  const domains = fs.existsSync(DOMAINS) ? JSON.parse(fs.readFileSync(DOMAINS, 'utf8')) : { misc: [...byIntent.keys()].sort() };
  const bases = [];
  for (const [domain, intents] of Object.entries(domains)) {
    for (const intent of intents) if (byIntent.has(intent)) bases.push({ domain, intent, texts: byIntent.get(intent) });
  }
  return bases;
}

// ---- Example variation -------------------------------------------------------------------------------------------

const PREFIXES = ['', '', '', '', 'hey ', 'hi, ', 'please ', 'excuse me, ', 'quick question, ', 'ok so ', 'um ', 'i was wondering, ', 'hello, ', 'so ', 'can you help? '];
const SUFFIXES = ['', '', '', '', ' please', ' thanks', ' asap', ' right now', ' for me', ' if you can', ' thank you', ' real quick', ' again'];
const DAY_SUFFIXES = [' for today', ' for tomorrow', ' on monday', ' on friday', ' this saturday', ' by sunday', ' on tuesday'];
const SWAPS = [
  [/\bwhat is\b/, "what's"],
  [/\bwhat's\b/, 'what is'],
  [/\bi want\b/, "i'd like"],
  [/\bi would like\b/, 'i want'],
  [/\bcan you\b/, 'could you'],
  [/\bcould you\b/, 'can you'],
  [/\btell me\b/, 'let me know'],
  [/\bhow do i\b/, 'how can i'],
  [/\bplease\b/, 'pls'],
  [/\bi need\b/, 'i really need'],
  [/\bdo not\b/, "don't"],
  [/\bi am\b/, "i'm"],
  [/\bis it\b/, 'would it be'],
  [/\bmy\b/, 'my own'],
];
const DAYS = { today: ['today'], tomorrow: ['tomorrow'], monday: ['monday'], tuesday: ['tuesday'], wednesday: ['wednesday'], thursday: ['thursday'], friday: ['friday'], saturday: ['saturday'], sunday: ['sunday'] };
const ACCOUNTS = { checking: ['checking', 'checking account', 'current account'], savings: ['savings', 'savings account'] };

function typo(s, rng) {
  const words = s.split(' ');
  const candidates = words.map((w, i) => [w, i]).filter(([w]) => /^[a-z]{5,}$/.test(w));
  if (candidates.length === 0) return s;
  const [w, i] = rng.pick(candidates);
  const k = 1 + rng.int(w.length - 2);
  words[i] = w.slice(0, k) + w[k + 1] + w[k] + w.slice(k + 2);
  return words.join(' ');
}

/** Marks the first day or account word as an entity, the way botmasters annotate: `[tomorrow](day:tomorrow)`. */
function annotate(s) {
  const day = /\b(today|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/.exec(s);
  if (day) return s.slice(0, day.index) + `[${day[1]}](day:${day[1]})` + s.slice(day.index + day[1].length);
  const account = /\b(checking|savings)\b/.exec(s);
  if (account) return s.slice(0, account.index) + `[${account[1]}](account:${account[1]})` + s.slice(account.index + account[1].length);
  return s;
}

function vary(text, rng) {
  let s = text.trim().replace(/\s+/g, ' ');
  if (/\]\(/.test(s)) s = s.replace(/[[\]]/g, '');
  if (rng.chance(0.35)) {
    const [from, to] = rng.pick(SWAPS);
    s = s.replace(from, to);
  }
  const prefix = rng.pick(PREFIXES);
  let suffix = rng.chance(0.12) ? rng.pick(DAY_SUFFIXES) : rng.pick(SUFFIXES);
  if (suffix && s.endsWith(suffix.trim())) suffix = '';
  if (suffix && /[?!.]$/.test(s)) s = s.slice(0, -1);
  s = prefix + s + suffix;
  if (rng.chance(0.08)) s = typo(s, rng);
  return annotate(s);
}

// ---- The bot -----------------------------------------------------------------------------------------------------

const SLOTS = {
  day: { description: 'The day the user talks about.', entity: 'day' },
  account: { description: 'The bank account the user talks about.', entity: 'account' },
  amount: { description: 'An amount of money, for payments and transfers.', type: 'number' },
  city: { description: 'The city the user is in or travels to.', type: 'text' },
  email: { description: 'Where to send a confirmation.', type: 'email' },
  travel_date: { description: 'When the user travels.', type: 'date' },
  confirmed: { description: 'Whether the user confirmed the last action.', type: 'boolean' },
};

const ASKS = [
  { slot: 'amount', prompt: 'How much is it, in dollars?', validate: 'amount > 0 and amount <= 10000', retry: 'Please give me an amount between 1 and 10,000.' },
  { slot: 'city', prompt: 'Which city is this about?' },
  { slot: 'email', prompt: 'What email address should I use?', retry: "That doesn't look like an email address. Try again?" },
  { slot: 'day', prompt: 'Which day? For example today, tomorrow or monday.', retry: 'Sorry, which day was that?' },
  { slot: 'travel_date', prompt: 'When do you travel?', validate: 'travel_date >= "2026-01-01"', retry: 'Please give me a date from 2026 on.' },
  { slot: 'account', prompt: 'Your checking or your savings account?' },
];

const CONDITIONS = [
  'amount > 100',
  'amount >= 10 and amount <= 5000',
  'day == "tomorrow"',
  'day in ["saturday", "sunday"]',
  'city is set',
  'confirmed == true',
  'email is not set or confirmed == false',
  'account == "savings"',
  'not (account == "checking")',
  'travel_date >= "2026-06-01" and city is set',
];

const SETS = [
  ['confirmed', 'true'],
  ['confirmed', 'false'],
  ['city', 'null'],
  ['day', 'today'],
  ['amount', '0'],
];

const SAY = [
  'Sure, let us look at {t}.',
  'Here is what I know about {t}.',
  'I can help with {t}. What would you like to do?',
  'Got it: {t}. One moment please.',
  'Okay, {t} it is.',
  'Let me check {t} for you.',
  'Done. Anything else about {t}?',
  'Alright, I have updated {t}.',
];
const SAY_PLACEHOLDER = ['Noted, {city}.', 'Okay, {amount} dollars.', 'Alright, for {day}.'];
const LABELS = ['Tell me more', 'Go back', 'Something else', 'Show details', 'Not now', 'Start over', 'Continue', 'Options'];

function words(intent) {
  return intent.replace(/_/g, ' ');
}

export function generate(opts, log = () => {}) {
  const o = { ...opts };
  const rng = mulberry32(hashSeed(`${o.seed}:${o.intents}:${o.examples}:${o.nodes}:${o.files}`));
  const out = o.out ?? path.join(GENERATED, o.name);
  const bases = loadClinc();
  const lines = { count: 0 };

  // -- intents --
  const intents = [];
  const seenExamples = new Set();
  const perIntent = Math.floor(o.examples / o.intents);
  let extra = o.examples - perIntent * o.intents;
  for (let i = 0; i < o.intents; i++) {
    const base = bases[i % bases.length];
    const v = Math.floor(i / bases.length);
    const id = `${base.domain}.${base.intent}_v${v}`;
    const n = perIntent + (extra-- > 0 ? 1 : 0);
    const examples = [];
    const start = (v * 17) % base.texts.length;
    for (let k = 0; k < n; k++) {
      const source = base.texts[(start + k * 7) % base.texts.length];
      let text;
      for (let attempt = 0; attempt < 30; attempt++) {
        text = vary(source, rng);
        if (!seenExamples.has(text)) break;
      }
      if (seenExamples.has(text)) text = `${text} (${v}.${k})`;
      seenExamples.add(text);
      examples.push(text);
    }
    intents.push({ id, base, v, examples });
  }

  // -- files --
  const flowFiles = Math.max(1, Math.round((o.files - 1) * 0.7));
  const intentFiles = Math.max(1, o.files - 1 - flowFiles);
  const large = Math.min(o.largeIntents, intents.length);
  const intentFileOf = [];
  {
    const rest = intentFiles - 1;
    for (let i = 0; i < intents.length; i++) {
      if (i < large || rest === 0) intentFileOf.push(0);
      else intentFileOf.push(1 + Math.floor(((i - large) * rest) / (intents.length - large)));
    }
  }

  // -- nodes: the main flow, then flows spread over the other flow files --
  const nodes = []; // { id, flow, file, kind, ...}
  const flows = []; // { id, file, start, nodes: [], on?: [], fallback? }
  const main = { id: 'main', file: 0, nodes: [], description: 'Welcome, main menu and the end of the conversation.' };
  flows.push(main);
  const mainNode = (id, props) => {
    const node = { id, flow: main, file: 0, ...props };
    nodes.push(node);
    main.nodes.push(node);
    return node;
  };
  const welcome = mainNode('welcome', { kind: 'fixed', response: 'welcome', goto: 'main_menu' });
  const mainMenu = mainNode('main_menu', { kind: 'fixed', say: 'What can I help you with? Pick a topic or just ask.', quickReplies: [], on: [] });
  const anythingElse = mainNode('anything_else', { kind: 'fixed', response: 'anything_else', on: [] });
  const goodbye = mainNode('goodbye', { kind: 'fixed', say: 'Thanks for chatting. Goodbye!', end: true });
  const globalFallback = mainNode('global_fallback', {
    kind: 'fixed',
    response: 'not_understood',
    quickReplies: [
      { label: 'Main menu', goto: 'main_menu' },
      { label: 'Talk to a person', goto: 'human_handoff' },
    ],
  });
  mainNode('human_handoff', { kind: 'fixed', handoff: { queue: 'support', message: 'I am passing you to a colleague. Someone will reply in a few minutes.' } });
  main.start = welcome.id;
  main.fallback = globalFallback.id;

  const flowNodeCount = Math.max(flowFiles, o.nodes - main.nodes.length);
  const otherFlowFiles = Math.max(1, flowFiles - 1);
  // Flow file 0 is flows/main.bot.yaml; it also holds generated flows when there is a single flow file.
  const fileNames = [];
  let counter = 0;
  const fileNodeRanges = [];
  for (let f = 0; f < otherFlowFiles; f++) {
    const from = Math.floor((f * flowNodeCount) / otherFlowFiles);
    const to = Math.floor(((f + 1) * flowNodeCount) / otherFlowFiles);
    fileNodeRanges.push([from, to]);
  }
  const responses = [
    { id: 'welcome', text: ['Hello! I am the assistant. I can help with banking, travel, your home and more.', 'Hi there! How can I help today?'] },
    { id: 'anything_else', text: ['Is there anything else I can do for you?', 'Can I help you with anything else?'], quickReplies: [] },
    { id: 'not_understood', text: ["Sorry, I didn't get that. You can pick a topic from the menu, or ask for a person."] },
  ];
  const domains = [...new Set(bases.map((b) => b.domain))];
  for (const d of domains) responses.push({ id: `${d}_intro`, text: [`Here is what I can do for ${words(d)}.`] });
  const topicResponses = responses.slice(3);
  let responseCursor = 0;
  let askCursor = 0;
  let setCursor = 0;
  let conditionCursor = 0;

  for (let f = 0; f < otherFlowFiles; f++) {
    const fileIndex = flowFiles === 1 ? 0 : f + 1;
    const [from, to] = fileNodeRanges[f];
    const count = to - from;
    const domain = domains[f % domains.length];
    const flowCount = Math.max(1, Math.round(count / 72));
    fileNames[fileIndex] = `flows/${domain}_${String(f).padStart(2, '0')}.bot.yaml`;
    for (let k = 0; k < flowCount; k++) {
      const a = Math.floor((k * count) / flowCount);
      const b = Math.floor(((k + 1) * count) / flowCount);
      if (b <= a) continue;
      const flow = { id: `${domain}_${String(f).padStart(2, '0')}${String.fromCharCode(97 + (k % 26))}${k >= 26 ? k : ''}`, file: fileIndex, nodes: [], domain };
      flow.description = `Conversations about ${words(domain)} (part ${f}${String.fromCharCode(97 + (k % 26))}).`;
      flows.push(flow);
      const topicBases = bases.filter((x) => x.domain === domain);
      for (let j = a; j < b; j++) {
        const base = rng.pick(topicBases);
        const node = { id: `${base.intent}_${counter++}`, flow, file: fileIndex, topic: words(base.intent), open: [] };
        flow.nodes.push(node);
        nodes.push(node);
      }
    }
  }
  fileNames[0] = 'flows/main.bot.yaml';

  // Spanning tree per flow: every node gets a parent slot among earlier nodes of its flow.
  const generatedFlows = flows.slice(1);
  const SLOTTED = [
    ['say_goto', 22],
    ['branch', 14],
    ['ask', 10],
    ['menu', 10],
    ['response', 6],
    ['set', 6],
  ];
  const LEAF = [
    ['on', 20],
    ['end', 6],
    ['handoff', 2],
    ['back', 4],
  ];
  const slotsOf = (kind) => ({ say_goto: 1, branch: 2 + rng.int(2), ask: 1, menu: 2 + rng.int(2), response: 1, set: 1 })[kind] ?? 0;
  for (let fi = 0; fi < generatedFlows.length; fi++) {
    const flow = generatedFlows[fi];
    const list = flow.nodes;
    flow.start = list[0].id;
    const next = generatedFlows[fi + 1];
    const open = []; // [node, slotIndex]
    const setKind = (node, kind) => {
      node.kind = kind;
      node.targets = new Array(slotsOf(kind)).fill(undefined);
      for (let s = 0; s < node.targets.length; s++) open.push([node, s]);
    };
    setKind(list[0], list.length > 2 ? 'menu' : 'say_goto');
    // The node that chains to the next flow (every flow is reachable from `start`).
    const jumpIndex = next ? Math.max(1, list.length - 1 - rng.int(Math.min(10, list.length))) : -1;
    for (let j = 1; j < list.length; j++) {
      const node = list[j];
      // Prefer recent slots (deeper trees), sometimes any slot.
      const pickAt = rng.chance(0.7) ? open.length - 1 - rng.int(Math.min(4, open.length)) : rng.int(open.length);
      const [parent, slot] = open.splice(pickAt, 1)[0];
      parent.targets[slot] = node.id;
      const remaining = list.length - 1 - j;
      if (j === jumpIndex) {
        node.kind = 'jump';
        node.jump = next.id;
        node.targets = [];
        if (open.length === 0 && remaining > 0) {
          node.kind = 'jump_menu';
          node.targets = [undefined];
          open.push([node, 0]);
        }
      } else if (open.length === 0 && remaining > 0) setKind(node, rng.weighted(SLOTTED));
      else if (open.length < 3 && remaining > open.length) setKind(node, rng.weighted(SLOTTED));
      else setKind(node, rng.weighted(remaining > 0 ? [...SLOTTED, ...LEAF] : LEAF));
    }
    // Slots left over: back edges inside the flow, or "anything else?" in the main flow.
    for (const [node, slot] of open) node.targets[slot] = rng.chance(0.5) ? anythingElse.id : rng.pick(list).id;
    if (next && list.length === 1) list[0].jumpAlso = next.id;
    if (rng.chance(0.3)) flow.on = [];
    if (rng.chance(0.25)) flow.fallback = rng.pick(list).id;
  }
  if (generatedFlows.length > 0) {
    const picked = new Set([0]);
    for (let k = 1; k < Math.min(6, generatedFlows.length); k++) picked.add(Math.floor((k * generatedFlows.length) / 6));
    for (const k of picked) {
      const f = generatedFlows[k];
      mainMenu.quickReplies.push({ label: `${words(f.domain)} (${f.id.slice(f.domain.length + 1)})`, flow: f.id });
    }
  } else {
    mainMenu.quickReplies.push({ label: 'Goodbye', goto: 'goodbye' });
  }

  // Node details.
  for (const node of nodes) {
    if (node.kind === 'fixed') continue;
    const t = node.topic;
    const say = () => rng.pick(SAY).replace('{t}', t);
    switch (node.kind) {
      case 'say_goto':
        node.say = rng.chance(0.2) ? [say(), say()] : say();
        node.goto = node.targets[0];
        break;
      case 'branch': {
        node.branch = [];
        for (let s = 0; s < node.targets.length - 1; s++) node.branch.push({ if: CONDITIONS[conditionCursor++ % CONDITIONS.length], goto: node.targets[s] });
        node.branch.push({ goto: node.targets[node.targets.length - 1] });
        break;
      }
      case 'ask': {
        const ask = ASKS[askCursor++ % ASKS.length];
        Object.assign(node, { ask: ask.slot, prompt: ask.prompt, validate: ask.validate, retry: ask.retry, retries: ask.retry ? 2 : undefined, goto: node.targets[0] });
        if (rng.chance(0.3)) node.fallback = rng.pick(node.flow.nodes).id;
        break;
      }
      case 'menu':
        node.say = say();
        node.quickReplies = node.targets.map((target, s) => ({ label: LABELS[(s + node.id.length) % LABELS.length], goto: target }));
        node.on = [];
        break;
      case 'response':
        node.response = topicResponses[responseCursor++ % topicResponses.length].id;
        node.goto = node.targets[0];
        break;
      case 'set': {
        const [slot, value] = SETS[setCursor++ % SETS.length];
        node.set = [[slot, value]];
        node.say = rng.chance(0.5) ? rng.pick(SAY_PLACEHOLDER) : say();
        node.goto = node.targets[0];
        break;
      }
      case 'on':
        node.say = say();
        node.on = [];
        if (rng.chance(0.3)) node.quickReplies = [];
        break;
      case 'end':
        node.say = 'Thanks, that is all for ' + t + '. Goodbye!';
        node.end = true;
        break;
      case 'handoff':
        node.say = say();
        node.handoff = rng.chance(0.5) ? true : { queue: node.flow.domain, message: `A ${words(node.flow.domain)} specialist will take over.` };
        break;
      case 'back':
        node.say = say();
        node.goto = anythingElse.id;
        break;
      case 'jump':
        node.say = say();
        node.flowTarget = node.jump;
        break;
      case 'jump_menu':
        node.say = say();
        node.quickReplies = [
          { label: 'Continue', goto: node.targets[0] },
          { label: 'Other topics', flow: node.jump },
        ];
        break;
    }
    if (node.jumpAlso) {
      node.quickReplies = [...(node.quickReplies ?? []), { label: 'More topics', flow: node.jumpAlso }];
      delete node.goto;
    }
  }

  // Intent moves: every intent appears in some `on` (node, flow or manifest), targets in other files.
  const manifestOn = [];
  const onMaps = [];
  onMaps.push({ list: manifestOn, file: -1, size: Math.min(4, intents.length) });
  onMaps.push({ list: mainMenu.on, file: 0, size: 8 });
  onMaps.push({ list: anythingElse.on, file: 0, size: 2 });
  for (const flow of generatedFlows) if (flow.on) onMaps.push({ list: flow.on, file: flow.file, size: 2 + rng.int(4) });
  for (const node of nodes) {
    if (node.kind === 'on') onMaps.push({ list: node.on, file: node.file, size: 3 + rng.int(6), node });
    else if (node.kind === 'menu') onMaps.push({ list: node.on, file: node.file, size: 1 + rng.int(3), node });
  }
  const order = rng.shuffle(intents.map((_, i) => i));
  // Global intents first: goodbye, cancel, greeting... when the data has them.
  const preferred = ['small_talk.goodbye_v0', 'meta.cancel_v0', 'small_talk.greeting_v0', 'meta.repeat_v0'];
  const preferredIdx = preferred.map((id) => intents.findIndex((x) => x.id === id)).filter((i) => i >= 0);
  const queue = [...preferredIdx, ...order.filter((i) => !preferredIdx.includes(i))];
  let q = 0;
  const targetsByFile = new Map();
  for (const node of nodes) {
    if (!targetsByFile.has(node.file)) targetsByFile.set(node.file, []);
    targetsByFile.get(node.file).push(node);
  }
  const flowFileIndices = [...targetsByFile.keys()];
  const otherTarget = (file) => {
    const candidates = flowFileIndices.filter((f) => f !== file);
    const f = candidates.length ? rng.pick(candidates) : file;
    if (rng.chance(0.1)) {
      const inFile = generatedFlows.filter((x) => x.file === f);
      if (inFile.length) return { flow: rng.pick(inFile).id };
    }
    return rng.pick(targetsByFile.get(f)).id;
  };
  const fill = (map, n) => {
    const used = new Set(map.list.map((e) => e.intent));
    for (let k = 0; k < n; k++) {
      let idx;
      for (let tries = 0; tries < intents.length; tries++) {
        idx = queue[q++ % queue.length];
        if (!used.has(intents[idx].id)) break;
        idx = undefined;
      }
      if (idx === undefined) return;
      used.add(intents[idx].id);
      let target;
      if (map.list === manifestOn) target = ['goodbye', 'anything_else', 'main_menu', 'human_handoff'][map.list.length % 4];
      else if (map.list === anythingElse.on) target = map.list.length === 0 ? 'main_menu' : 'goodbye';
      else target = otherTarget(map.file);
      map.list.push({ intent: intents[idx].id, target });
    }
  };
  for (const map of onMaps) fill(map, map.size);
  // More entries until every intent is used.
  const nodeMaps = onMaps.filter((m) => m.node);
  let guard = 0;
  while (q < queue.length && nodeMaps.length > 0 && guard++ < intents.length * 4) fill(rng.pick(nodeMaps), 1);
  // Quick replies with intents on `on` nodes (the node's own `on` handles the intent).
  for (const node of nodes) {
    if (node.kind !== 'on' || !node.quickReplies || node.quickReplies.length > 0) continue;
    for (const entry of node.on.slice(0, 2)) {
      const base = intents.find((x) => x.id === entry.intent);
      node.quickReplies.push({ label: base ? base.base.intent.replace(/_/g, ' ') : 'Choose', intent: entry.intent });
    }
  }
  anythingElse.on.length || anythingElse.on.push({ intent: intents[0].id, target: 'main_menu' });
  // Slots every ask/set/condition uses are declared; make sure `confirmed` & co. are used even in tiny bots.
  const usedResponses = new Set(nodes.map((n) => n.response).filter(Boolean));
  const unusedTopicResponses = topicResponses.filter((r) => !usedResponses.has(r.id));
  if (unusedTopicResponses.length) {
    // Tiny bots: say them from extra quick replies-free nodes is overkill; drop them instead.
    for (const r of unusedTopicResponses) responses.splice(responses.indexOf(r), 1);
  }
  const usedSlots = new Set();
  for (const node of nodes) {
    if (node.ask) usedSlots.add(node.ask);
    for (const [s] of node.set ?? []) usedSlots.add(s);
    for (const b of node.branch ?? []) if (b.if) for (const s of Object.keys(SLOTS)) if (b.if.includes(s)) usedSlots.add(s);
    for (const text of [node.say].flat()) if (text) for (const m of String(text).matchAll(/\{(\w+)\}/g)) usedSlots.add(m[1]);
  }
  const slotEntries = Object.entries(SLOTS).filter(([id]) => usedSlots.has(id) || ['day', 'account'].includes(id));

  // ---- Write ----
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(path.join(out, 'nlu'), { recursive: true });
  fs.mkdirSync(path.join(out, 'flows'), { recursive: true });
  const files = [];
  const write = (rel, text) => {
    fs.writeFileSync(path.join(out, rel), text);
    const n = text.split('\n').length - 1;
    lines.count += n;
    files.push({ path: rel, bytes: Buffer.byteLength(text), lines: n });
  };

  // Manifest.
  {
    const w = [];
    w.push(`# Generated by bench/generate.mjs (${o.name}: ${o.intents} intents, ${o.examples} examples, ${o.nodes} nodes, ${o.files} files).`);
    w.push('# Training examples: CLINC150 (Larson et al., EMNLP 2019), CC BY 3.0, varied.');
    w.push('bot:');
    w.push(`  name: Benchmark assistant (${o.name})`);
    w.push('  description: A large generated assistant for measuring Botmaster on big bots.');
    w.push('  locales: [en]');
    w.push('  start: welcome');
    w.push('  fallback: global_fallback');
    w.push('  nlu:');
    w.push('    threshold: 0.6');
    w.push('  channels:');
    w.push('    web: { type: chat, max_length: 640 }');
    // Words of CLINC150's intent names (quick-reply labels) that the English dictionary does not have.
    w.push('  words: [PTO, APR, Uber, todo]');
    w.push('  on:');
    for (const e of manifestOn) w.push(`    ${e.intent}: ${e.target}`);
    w.push('');
    w.push('entities:');
    w.push('  day:');
    w.push('    description: A day of the week, or today and tomorrow.');
    w.push('    values:');
    for (const [v, syn] of Object.entries(DAYS)) w.push(`      ${v}:`, `        en: [${syn.join(', ')}]`);
    w.push('  account:');
    w.push('    description: The kinds of bank accounts.');
    w.push('    values:');
    for (const [v, syn] of Object.entries(ACCOUNTS)) w.push(`      ${v}:`, `        en: [${syn.join(', ')}]`);
    w.push('');
    w.push('slots:');
    for (const [id, s] of slotEntries) {
      w.push(`  ${id}:`, `    description: ${s.description}`);
      if (s.entity) w.push(`    entity: ${s.entity}`);
      if (s.type) w.push(`    type: ${s.type}`);
    }
    w.push('');
    w.push('responses:');
    for (const r of responses) {
      w.push(`  ${r.id}:`);
      if (r.text.length === 1) w.push(`    text: ${yamlString(r.text[0])}`);
      else {
        w.push('    text:');
        for (const t of r.text) w.push(`      - ${yamlString(t)}`);
      }
    }
    write('bot.bot.yaml', w.join('\n') + '\n');
  }

  // Intent files.
  for (let f = 0; f < intentFiles; f++) {
    const mine = intents.filter((_, i) => intentFileOf[i] === f);
    if (mine.length === 0) continue;
    const rel = f === 0 ? 'nlu/training_data.bot.yaml' : `nlu/${mine[0].base.domain}_${String(f).padStart(2, '0')}.bot.yaml`;
    const w = [];
    w.push(f === 0 ? '# The big training-data file: one file with many intents, as many teams keep it.' : `# Intents, part ${f}.`);
    w.push('intents:');
    let domain;
    for (const intent of mine) {
      if (intent.base.domain !== domain) {
        domain = intent.base.domain;
        if (rng.chance(0.3)) w.push(`  # ---- ${words(domain)} ----`);
      }
      w.push(`  ${intent.id}:`);
      w.push(`    description: ${yamlString(`The user asks about ${words(intent.base.intent)} (${words(intent.base.domain)}, variant ${intent.v}).`)}`);
      w.push('    examples:');
      w.push('      en:');
      for (const e of intent.examples) w.push(`        - ${yamlString(e)}`);
    }
    write(rel, w.join('\n') + '\n');
  }

  // Flow files.
  const flowsByFile = new Map();
  for (const flow of flows) {
    if (!flowsByFile.has(flow.file)) flowsByFile.set(flow.file, []);
    flowsByFile.get(flow.file).push(flow);
  }
  const target = (t) => (typeof t === 'string' ? t : `{ flow: ${t.flow} }`);
  const message = (w, pad, key, value) => {
    if (value === undefined) return;
    if (Array.isArray(value)) {
      w.push(`${pad}${key}:`);
      for (const v of value) w.push(`${pad}  - ${yamlString(v)}`);
    } else w.push(`${pad}${key}: ${yamlString(value)}`);
  };
  for (const [file, list] of [...flowsByFile.entries()].sort((a, b) => a[0] - b[0])) {
    const w = [];
    w.push(file === 0 ? '# The main flow: welcome, main menu, "anything else?", goodbye and the global fallback.' : `# ${words(list[0].domain ?? 'main')}: generated flows.`);
    w.push('flows:');
    for (const flow of list) {
      w.push(`  ${flow.id}:`);
      w.push(`    description: ${yamlString(flow.description)}`);
      w.push(`    start: ${flow.start}`);
      if (flow.fallback) w.push(`    fallback: ${flow.fallback}`);
      if (flow.on && flow.on.length) {
        w.push('    on:');
        for (const e of flow.on) w.push(`      ${e.intent}: ${target(e.target)}`);
      }
      w.push('    nodes:');
      for (const node of flow.nodes) {
        const p = '        ';
        w.push(`      ${node.id}:`);
        if (node.set) {
          w.push(`${p}set:`);
          for (const [s, v] of node.set) w.push(`${p}  ${s}: ${v}`);
        }
        if (node.response) w.push(`${p}response: ${node.response}`);
        message(w, p, 'say', node.say);
        if (node.ask) {
          w.push(`${p}ask: ${node.ask}`);
          message(w, p, 'prompt', node.prompt);
          if (node.validate) w.push(`${p}validate: ${node.validate.startsWith('"') ? JSON.stringify(node.validate) : node.validate}`);
          message(w, p, 'retry', node.retry);
          if (node.retries !== undefined) w.push(`${p}retries: ${node.retries}`);
        }
        if (node.quickReplies && node.quickReplies.length) {
          w.push(`${p}quick_replies:`);
          for (const qr of node.quickReplies) {
            w.push(`${p}  - label: ${yamlString(qr.label)}`);
            if (qr.intent) w.push(`${p}    intent: ${qr.intent}`);
            if (qr.goto) w.push(`${p}    goto: ${qr.goto}`);
            if (qr.flow) w.push(`${p}    flow: ${qr.flow}`);
          }
        }
        if (node.on && node.on.length) {
          w.push(`${p}on:`);
          for (const e of node.on) w.push(`${p}  ${e.intent}: ${target(e.target)}`);
        }
        if (node.branch) {
          w.push(`${p}branch:`);
          for (const b of node.branch) {
            if (b.if) w.push(`${p}  - if: ${b.if}`, `${p}    goto: ${b.goto}`);
            else w.push(`${p}  - goto: ${b.goto}`);
          }
        }
        if (node.goto) w.push(`${p}goto: ${node.goto}`);
        if (node.flowTarget) w.push(`${p}flow: ${node.flowTarget}`);
        if (node.handoff === true) w.push(`${p}handoff: true`);
        else if (node.handoff) {
          w.push(`${p}handoff:`, `${p}  queue: ${node.handoff.queue}`, `${p}  message: ${yamlString(node.handoff.message)}`);
        }
        if (node.end) w.push(`${p}end: true`);
        if (node.fallback) w.push(`${p}fallback: ${node.fallback}`);
      }
      w.push('');
    }
    write(fileNames[file] ?? `flows/flow_${file}.bot.yaml`, w.join('\n'));
  }

  const meta = {
    name: o.name,
    options: { intents: o.intents, examples: o.examples, nodes: o.nodes, files: o.files, largeIntents: o.largeIntents, seed: o.seed },
    generator: GENERATOR_VERSION,
    counts: { intents: intents.length, examples: intents.reduce((n, x) => n + x.examples.length, 0), nodes: nodes.length, flows: flows.length, files: files.length, lines: lines.count },
    largeFile: 'nlu/training_data.bot.yaml',
    flowFile: fileNames[Math.min(1, fileNames.length - 1)] ?? fileNames[0],
    files,
  };
  fs.writeFileSync(path.join(out, '..', `${path.basename(out)}.meta.json`), JSON.stringify(meta, null, 2) + '\n');
  log(`generated ${out}: ${meta.counts.files} files, ${meta.counts.intents} intents, ${meta.counts.examples} examples, ${meta.counts.nodes} nodes, ${meta.counts.lines} lines`);
  return { out, meta };
}

/** Bump when the output changes, so run.mjs regenerates stale bots. */
export const GENERATOR_VERSION = 1;

function parseArgs(argv) {
  const args = { overrides: {} };
  const num = (v, name) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a positive whole number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => (a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i]);
    const key = a.split('=')[0];
    if (a === '--quick') args.size = 'quick';
    else if (a === '--force') args.force = true;
    else if (key === '--name') args.name = value();
    else if (key === '--size') args.size = value();
    else if (key === '--seed') args.overrides.seed = value();
    else if (key === '--out') args.overrides.out = path.resolve(value());
    else if (key === '--intents') args.overrides.intents = num(value(), key);
    else if (key === '--examples') args.overrides.examples = num(value(), key);
    else if (key === '--nodes') args.overrides.nodes = num(value(), key);
    else if (key === '--files') args.overrides.files = num(value(), key);
    else if (key === '--large-intents') args.overrides.largeIntents = num(value(), key);
    else if (a === '--help' || a === '-h') args.help = true;
    else throw new Error(`unknown option ${a}`);
  }
  return args;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const args = parseArgs(process.argv.slice(2));
    if (args.help) {
      process.stdout.write(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0] + '*/\n');
      process.exit(0);
    }
    const size = args.size ?? 'issue-2';
    const o = optionsFor(size, { ...args.overrides, name: args.name ?? size });
    if (o.files < 3) throw new Error('--files must be at least 3 (manifest, intents, flows)');
    const started = performance.now();
    generate(o, (m) => console.log(m));
    console.log(`in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (e) {
    console.error(`generate: ${e.message}`);
    process.exit(2);
  }
}
