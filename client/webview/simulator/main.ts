/**
 * The simulator's webview: the conversation (bot and user bubbles, buttons, notices, reloads, the end), an input box
 * with history, the toolbar (language, channel, start node, restart, undo, copy, save) and the debug side bar (intent,
 * confidence and the next candidates, entities, slots, node, path, fallback, trace) of the selected turn. It shows what
 * the extension sends (protocol.ts) and asks the extension for everything else. Bot text is only ever text nodes.
 */
import { html } from '../graph/dom';
import { inputOf } from './protocol';
import type { Entry, FromWebview, SimulatorBot, SimulatorInput, SimulatorTurn, SimulatorView, ToWebview, WebviewState } from './protocol';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): WebviewState | undefined;
  setState(state: WebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const HISTORY_SIZE = 100;
const vscode = acquireVsCodeApi();
const state: WebviewState = { ...vscode.getState() };
const save = () => vscode.setState(state);
const post = (message: FromWebview) => vscode.postMessage(message);

let view: SimulatorView | undefined;
/** The turn the side bar shows (an index into view.entries); undefined: the last one. */
let selected: number | undefined;

// ---- The page -----------------------------------------------------------------------------------------------------

function button(label: string, tip: string, action: () => void, attrs: Record<string, string> = {}): HTMLButtonElement {
  const b = html('button', { type: 'button', title: tip, ...attrs }, [label]);
  b.addEventListener('click', action);
  return b;
}

function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  return html('label', { class: 'field' }, [html('span', { class: 'field-label' }, [text]), control]);
}

const title = html('span', { class: 'title' }, ['Simulator']);
const localeSelect = html('select', { 'aria-label': 'Language of the conversation (starts it again)' });
const channelSelect = html('select', { 'aria-label': 'Channel (starts the conversation again)' });
const startSelect = html('select', { 'aria-label': 'Start the conversation at this node', class: 'start' });
const localeField = labelled('Language', localeSelect);
const channelField = labelled('Channel', channelSelect);
const restartButton = button('Restart', 'Start the conversation again', () => post({ type: 'restart' }));
const undoButton = button('Undo', 'Take back your last message', () => post({ type: 'undo' }));
const debugButton = button('Debug', 'Show or hide the debug side bar', () => toggleDebug(), { 'aria-pressed': 'true', 'aria-controls': 'debug' });
const toolbar = html('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Simulator' }, [
  title,
  localeField,
  channelField,
  labelled('Start at', startSelect),
  restartButton,
  undoButton,
  button('Copy', 'Copy the transcript', () => post({ type: 'copy' })),
  button('Save…', 'Save the transcript as text or Markdown', () => post({ type: 'save' })),
  debugButton,
]);

const note = html('div', { class: 'note', hidden: '' });
const problems = html('div', { class: 'problems', hidden: '' });
const log = html('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': 'Conversation', tabindex: '0' });
const busy = html('div', { class: 'busy', hidden: '', 'aria-live': 'polite' });
const errorText = html('span', { class: 'error-text' });
const retryButton = button('Try again', 'Try the request again', () => post({ type: 'retry' }));
const errorBox = html('div', { class: 'error', role: 'alert', hidden: '' }, [errorText, retryButton]);
const input = html('input', {
  type: 'text',
  class: 'input',
  'aria-label': 'Message to the bot',
  placeholder: 'Say something to the bot (Enter sends, ↑ ↓ history)',
  autocomplete: 'off',
  spellcheck: 'true',
});
const sendButton = html('button', { type: 'submit', class: 'primary', title: 'Send (Enter)' }, ['Send']);
const composer = html('form', { class: 'composer', 'aria-label': 'Your message' }, [input, sendButton]);
const chat = html('section', { class: 'chat', 'aria-label': 'Chat' }, [note, problems, log, busy, errorBox, composer]);
const debug = html('aside', { class: 'debug', id: 'debug', 'aria-label': 'Debug: the selected turn', tabindex: '-1' });
document.getElementById('app')!.append(toolbar, html('div', { class: 'main' }, [chat, debug]));

function toggleDebug(): void {
  state.debugHidden = !state.debugHidden;
  save();
  applyDebugVisibility();
}

function applyDebugVisibility(): void {
  debug.hidden = !!state.debugHidden;
  debugButton.setAttribute('aria-pressed', String(!state.debugHidden));
}
applyDebugVisibility();

// ---- The conversation ---------------------------------------------------------------------------------------------

function nodeButton(node: string, label = node): HTMLButtonElement {
  return button(label, `Show node ${node} in the editor`, () => post({ type: 'reveal', node }), { class: 'node-link', 'data-node': node });
}

function userLabel(turn: SimulatorTurn): string {
  const user = turn.user!;
  if (user.quickReply !== undefined) return user.label ?? `Button ${user.quickReply + 1}`;
  if (user.intent !== undefined) return `Intent: ${user.intent}`;
  return user.text ?? '';
}

function reloadLine(entry: Entry): HTMLElement | undefined {
  const reload = entry.reload;
  if (!reload) return undefined;
  const parts = ['Bot reloaded after your edit'];
  if (reload.replayed > 0) parts.push(`your ${reload.replayed} earlier message${reload.replayed === 1 ? ' was' : 's were'} said again to it`);
  if (reload.retrained) parts.push(`intents retrained in ${Math.round(reload.trainingMs)} ms`);
  const line = html('div', { class: 'reload', role: 'status' }, [`↻ ${parts.join('; ')}.`]);
  const d = reload.diverged;
  if (d) {
    line.append(
      html('div', { class: 'diverged' }, [
        `The replay took another way from turn ${d.turn}: the conversation now waits ${d.after ? `at ${d.after}` : 'nowhere (it ended)'}${d.before ? `, not at ${d.before}` : ''}.`,
      ]),
    );
  }
  return line;
}

function renderTurn(entry: Entry, index: number, last: boolean): HTMLElement {
  const { turn } = entry;
  const voice = !!view?.options?.voice;
  const element = html('div', { class: 'turn', 'data-index': index });
  if (selected === index) element.classList.add('selected');
  const reload = reloadLine(entry);
  if (reload) element.append(reload);
  if (turn.user) {
    const kind = turn.user.quickReply !== undefined ? 'button' : turn.user.intent !== undefined ? 'intent' : 'text';
    element.append(html('div', { class: `msg user by-${kind}` }, [html('span', { class: 'visually-hidden' }, ['You: ']), userLabel(turn)]));
  }
  const messages = turn.messages;
  messages.forEach((message, i) => {
    const bubble = html('div', { class: 'msg bot' }, [html('span', { class: 'visually-hidden' }, ['Bot: ']), html('span', { class: 'text' }, [message.text])]);
    if (voice && message.voice !== undefined) {
      bubble.append(html('div', { class: 'voice', title: 'What the voice channel says' }, [html('span', { 'aria-hidden': 'true' }, ['🔊 ']), message.voice]));
    }
    const from = messages[i - 1]?.node === message.node ? undefined : nodeButton(message.node);
    if (from) bubble.append(html('div', { class: 'from' }, [from]));
    element.append(bubble);
    if (!last && message.quickReplies?.length) {
      element.append(html('div', { class: 'chips', 'aria-label': 'Buttons shown' }, message.quickReplies.map((q) => html('span', { class: 'chip' }, [q]))));
    }
  });
  if (last && turn.quickReplies.length > 0) {
    const replies = html(
      'div',
      { class: 'quick-replies', role: 'group', 'aria-label': 'Buttons' },
      turn.quickReplies.map((label, i) => {
        const b = button(label, `Tap “${label}”`, () => {
          for (const other of replies.querySelectorAll('button')) other.disabled = true;
          send({ quickReply: i });
        });
        b.className = 'quick-reply';
        return b;
      }),
    );
    element.append(replies);
  }
  for (const notice of turn.notices) element.append(html('div', { class: 'notice' }, [html('span', { 'aria-hidden': 'true' }, ['⚠ ']), notice]));
  if (turn.handedOff) {
    element.append(
      html('div', { class: 'end handoff', role: 'status' }, [`Handed over to a human${turn.handedOff.queue ? ` (queue ${turn.handedOff.queue})` : ''}: the conversation is over.`]),
    );
  } else if (turn.ended) element.append(html('div', { class: 'end', role: 'status' }, ['The conversation ended.']));
  if (last && turn.ended) element.append(button('Start again', 'Start the conversation again', () => post({ type: 'restart' }), { class: 'primary again' }));
  return element;
}

function renderLog(): void {
  const entries = view?.entries ?? [];
  log.replaceChildren(...entries.map((entry, i) => renderTurn(entry, i, i === entries.length - 1)));
  log.scrollTop = log.scrollHeight;
}

/** Draws the last turn again (its buttons are live only while it is the last one). */
function redrawTurn(index: number): void {
  const entries = view!.entries;
  const old = log.querySelector(`.turn[data-index="${index}"]`);
  if (old && entries[index]) old.replaceWith(renderTurn(entries[index], index, index === entries.length - 1));
}

function lastTurn(): SimulatorTurn | undefined {
  const entries = view?.entries ?? [];
  return entries[entries.length - 1]?.turn;
}

function applyComposer(): void {
  const over = !!lastTurn()?.ended;
  input.disabled = over;
  sendButton.disabled = over;
  input.placeholder = over ? 'The conversation is over: Restart to talk again' : 'Say something to the bot (Enter sends, ↑ ↓ history)';
  undoButton.disabled = (view?.entries.length ?? 0) < 2;
}

// ---- The toolbar --------------------------------------------------------------------------------------------------

function applyBot(bot: SimulatorBot | undefined): void {
  if (!view) return;
  if (bot) view.bot = bot;
  const b = view.bot;
  const options = view.options;
  title.textContent = b?.name || 'Simulator';
  localeSelect.replaceChildren(...(b?.locales ?? []).map((l) => html('option', { value: l }, [l])));
  localeSelect.value = options?.locale ?? b?.defaultLocale ?? '';
  localeField.hidden = (b?.locales.length ?? 0) < 2;
  channelSelect.replaceChildren(
    html('option', { value: '' }, ['None']),
    ...(b?.channels ?? []).map((c) => html('option', { value: c.id }, [c.type === 'voice' ? `${c.id} (voice)` : c.id])),
  );
  channelSelect.value = options?.channel ?? '';
  channelField.hidden = (b?.channels.length ?? 0) === 0;
  const flows = new Map<string, string[]>();
  for (const node of b?.nodes ?? []) {
    if (!flows.has(node.flow)) flows.set(node.flow, []);
    flows.get(node.flow)!.push(node.id);
  }
  startSelect.replaceChildren(
    html('option', { value: '' }, [b?.start ? `The bot’s start (${b.start})` : 'The bot’s start']),
    ...[...flows].map(([flow, ids]) => html('optgroup', { label: `Flow ${flow}` }, ids.map((id) => html('option', { value: id }, [id])))),
  );
  startSelect.value = options?.startNode ?? '';
  problems.hidden = !b?.problems.length;
  problems.replaceChildren(...(b?.problems ?? []).map((p) => html('div', {}, [`⚠ ${p}`])));
}

localeSelect.addEventListener('change', () => post({ type: 'restart', locale: localeSelect.value }));
channelSelect.addEventListener('change', () => post({ type: 'restart', channel: channelSelect.value || null }));
startSelect.addEventListener('change', () => post({ type: 'restart', startNode: startSelect.value || null }));

// ---- The side bar -------------------------------------------------------------------------------------------------

function section(heading: string, children: (Node | string)[], attrs: Record<string, string> = {}): HTMLElement {
  return html('section', { class: 'facts', ...attrs }, [html('h3', {}, [heading]), ...children]);
}

function value(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : String(v);
}

function confidence(c: number): HTMLElement {
  return html('span', { class: 'confidence' }, [html('meter', { min: '0', max: '1', value: String(c), 'aria-hidden': 'true' }), ` ${c.toFixed(2)}`]);
}

let traceOpen = false;

function renderDebug(): void {
  const entries = view?.entries ?? [];
  const index = selected !== undefined && selected < entries.length ? selected : entries.length - 1;
  const turn = entries[index]?.turn;
  if (!turn) {
    debug.replaceChildren(html('p', { class: 'muted' }, ['No turn yet.']));
    return;
  }
  const parts: HTMLElement[] = [html('h2', {}, [index === 0 ? 'Opening turn' : `Turn ${index}${index === entries.length - 1 ? ' (last)' : ''}`])];

  const m = turn.matched;
  if (m) {
    const top = m.intent
      ? html('div', { class: 'intent' }, [html('strong', {}, [m.intent]), confidence(m.confidence), html('span', { class: 'muted' }, [` by ${m.by}`])])
      : html('div', { class: 'intent none' }, [
          'Not understood',
          ...(m.candidates[0] ? [html('span', { class: 'muted' }, [` (best: ${m.candidates[0].intent}`]), confidence(m.confidence), html('span', { class: 'muted' }, [')'])] : []),
        ]);
    const next = m.candidates.filter((c) => c.intent !== m.intent).slice(0, 2);
    parts.push(
      section('Intent', [
        top,
        ...(next.length
          ? [html('ul', { class: 'candidates', 'aria-label': 'Next candidates' }, next.map((c) => html('li', {}, [c.intent, confidence(c.confidence)])))]
          : []),
      ]),
    );
  } else if (turn.user) parts.push(section('Intent', [html('p', { class: 'muted' }, ['No intent was needed (an answer to a question).'])]));

  if (turn.entities.length) {
    parts.push(
      section('Entities', [
        html(
          'ul',
          {},
          turn.entities.map((e) => html('li', {}, [html('strong', {}, [e.entity]), ` = ${value(e.value)} `, html('span', { class: 'muted' }, [`from “${e.text}”`])])),
        ),
      ]),
    );
  }

  const slots = Object.entries(turn.slots);
  const emptied = Object.entries(turn.changed).filter(([, v]) => v === null);
  if (slots.length || emptied.length) {
    const rows = [
      ...slots.map(([k, v]) => {
        const changed = k in turn.changed;
        return html('tr', { class: changed ? 'changed' : '' }, [
          html('th', { scope: 'row' }, [changed ? html('span', { class: 'dot', title: 'Set in this turn', 'aria-label': 'changed' }, ['●']) : '', k]),
          html('td', {}, [value(v)]),
        ]);
      }),
      ...emptied.map(([k]) =>
        html('tr', { class: 'changed' }, [html('th', { scope: 'row' }, [html('span', { class: 'dot', title: 'Emptied in this turn', 'aria-label': 'changed' }, ['●']), k]), html('td', { class: 'muted' }, ['(emptied)'])]),
      ),
    ];
    parts.push(section('Slots', [html('table', { class: 'slots' }, [html('tbody', {}, rows)])]));
  } else parts.push(section('Slots', [html('p', { class: 'muted' }, ['No slot is set.'])]));

  parts.push(
    section('Node', [
      turn.node
        ? html('div', {}, [nodeButton(turn.node), turn.asking ? html('span', { class: 'muted' }, [` asks for ${turn.asking}`]) : ''])
        : html('p', { class: 'muted' }, ['None: the conversation is over.']),
    ]),
  );
  if (turn.path.length) {
    const path: (Node | string)[] = [];
    turn.path.forEach((id, i) => {
      if (i > 0) path.push(html('span', { class: 'arrow', 'aria-hidden': 'true' }, [' → ']));
      path.push(nodeButton(id));
    });
    parts.push(section('Path', [html('div', { class: 'path' }, path)]));
  }
  if (turn.fallback) parts.push(section('Fallback', [html('p', { class: 'fallback' }, [turn.fallback])]));
  if (turn.notices.length) parts.push(section('Notices', [html('ul', { class: 'notices' }, turn.notices.map((n) => html('li', {}, [n])))]));
  const trace = html('details', { class: 'trace' }, [
    html('summary', {}, [`Trace (${turn.trace.length} step${turn.trace.length === 1 ? '' : 's'})`]),
    html('ol', {}, turn.trace.map((t) => html('li', {}, [t]))),
  ]);
  trace.open = traceOpen;
  trace.addEventListener('toggle', () => (traceOpen = trace.open));
  parts.push(trace);
  debug.replaceChildren(...parts);
}

// A click on a turn shows it in the side bar (not on its buttons).
log.addEventListener('click', (event) => {
  const target = event.target as Element;
  if (target.closest('button')) return;
  const turn = target.closest('.turn');
  if (!turn || !view) return;
  const index = Number(turn.getAttribute('data-index'));
  selected = index === view.entries.length - 1 ? undefined : index;
  for (const el of log.querySelectorAll('.turn.selected')) el.classList.remove('selected');
  if (selected !== undefined) turn.classList.add('selected');
  renderDebug();
});

// ---- Input and history --------------------------------------------------------------------------------------------

let historyIndex = (state.history ?? []).length;
let draft = '';

/** `#2` taps the second button, `/intent id` says an intent, `/undo` and `/restart` as the buttons (as in `botmaster chat`). */
function command(text: string): boolean {
  const button = /^#(\d+)$/.exec(text);
  if (button) {
    send({ quickReply: Number(button[1]) - 1 });
    return true;
  }
  const intent = /^\/intent\s+(\S+)$/.exec(text);
  if (intent) {
    send({ intent: intent[1] });
    return true;
  }
  if (text === '/undo') post({ type: 'undo' });
  else if (text === '/restart') post({ type: 'restart' });
  else return false;
  return true;
}

function send(input: SimulatorInput): void {
  errorBox.hidden = true;
  post({ type: 'send', input });
}

composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text || input.disabled) return;
  const history = (state.history ??= []);
  if (history[history.length - 1] !== text) history.push(text);
  if (history.length > HISTORY_SIZE) history.splice(0, history.length - HISTORY_SIZE);
  historyIndex = history.length;
  draft = '';
  save();
  input.value = '';
  if (!command(text)) send({ text });
});

input.addEventListener('keydown', (event) => {
  const history = state.history ?? [];
  if (event.key === 'ArrowUp' && historyIndex > 0) {
    if (historyIndex === history.length) draft = input.value;
    historyIndex--;
    input.value = history[historyIndex];
  } else if (event.key === 'ArrowDown' && historyIndex < history.length) {
    historyIndex++;
    input.value = historyIndex === history.length ? draft : history[historyIndex];
  } else if (event.key === 'Escape' && input.value) {
    input.value = '';
    historyIndex = history.length;
  } else return;
  event.preventDefault();
  input.setSelectionRange(input.value.length, input.value.length);
});

// ---- Messages from the extension --------------------------------------------------------------------------------

function remember(): void {
  if (!view) return;
  state.uri = view.uri;
  state.locale = view.options?.locale;
  state.startNode = view.options?.startNode;
  state.channel = view.options?.channel;
  state.seed = view.options?.seed;
  state.inputs = view.entries.map((e) => inputOf(e.turn)).filter((i): i is SimulatorInput => i !== undefined);
  save();
}

function afterChange(): void {
  applyComposer();
  renderDebug();
  remember();
  busy.hidden = true;
  const turns = log.querySelectorAll('.turn');
  const last = turns[turns.length - 1];
  post({ type: 'shown', turns: turns.length, last: last ? [...last.querySelectorAll('.msg.user, .msg.bot > .text')].map((m) => m.textContent ?? '') : [] });
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  if (message.type === 'state') {
    view = message.view;
    selected = undefined;
    errorBox.hidden = true;
    note.hidden = !view.note;
    note.textContent = view.note ?? '';
    applyBot(undefined);
    renderLog();
    afterChange();
  } else if (message.type === 'turn' && view) {
    view.entries.push(message.entry);
    if (message.bot) applyBot(message.bot);
    const index = view.entries.length - 1;
    redrawTurn(index - 1);
    selected = undefined;
    for (const el of log.querySelectorAll('.turn.selected')) el.classList.remove('selected');
    log.append(renderTurn(message.entry, index, true));
    log.scrollTop = log.scrollHeight;
    afterChange();
  } else if (message.type === 'undone' && view) {
    view.entries.length = Math.min(view.entries.length, message.count);
    if (message.bot) applyBot(message.bot);
    for (const el of log.querySelectorAll('.turn')) if (Number(el.getAttribute('data-index')) >= message.count) el.remove();
    if (selected !== undefined && selected >= message.count) selected = undefined;
    redrawTurn(message.count - 1);
    afterChange();
  } else if (message.type === 'busy') {
    busy.hidden = !message.what;
    busy.textContent = message.what ?? '';
  } else if (message.type === 'error') {
    busy.hidden = true;
    errorBox.hidden = false;
    errorText.textContent = message.message;
    retryButton.hidden = !message.retry;
    for (const b of log.querySelectorAll<HTMLButtonElement>('.quick-reply')) b.disabled = false;
  } else if (message.type === 'focus') input.focus();
});

// ---- Start --------------------------------------------------------------------------------------------------------

renderDebug();
applyComposer();
post({ type: 'ready' });
input.focus();
