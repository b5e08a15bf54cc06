import * as assert from 'node:assert/strict';
import { getGraph } from '../../server/src/service/graph';
import type { GraphModel } from '../../server/src/service/graph';
import { readText } from '../../server/src/host/files';
import { fixture } from '../fixture';
import { exampleGraph } from '../webview/exampleGraph';

describe('graph model', () => {
  const support = exampleGraph('support');
  const node = (graph: GraphModel, id: string) => graph.nodes.find((n) => n.id === id)!;
  const edgesFrom = (graph: GraphModel, id: string) => graph.edges.filter((e) => e.from === id).map((e) => `${e.kind} ${e.via} -> ${e.to}`);

  it('has the flows and nodes of the support bot, all reachable and clean', () => {
    assert.equal(support.bot.name, 'Acme Shop support');
    assert.deepEqual(support.bot.locales, ['en', 'fr']);
    assert.deepEqual(support.flows.map((f) => f.id).sort(), ['account', 'handoff', 'main', 'orders', 'returns', 'shop_info']);
    assert.equal(support.nodes.length, 121);
    assert.deepEqual(support.nodes.filter((n) => !n.reachable).map((n) => n.id), []);
    assert.deepEqual(support.nodes.filter((n) => n.severity).map((n) => n.id), []);
    const ids = new Set(support.nodes.map((n) => n.id));
    for (const edge of support.edges) assert.ok(ids.has(edge.from) && ids.has(edge.to), `${edge.from} -> ${edge.to}`);
  });

  it('marks the entry point, the fallbacks and the kinds of nodes', () => {
    assert.equal(node(support, 'welcome').entry, 'bot');
    assert.equal(node(support, 'track_start').entry, 'flow');
    assert.equal(node(support, 'global_fallback').kind, 'fallback');
    assert.deepEqual(node(support, 'global_fallback').fallbackOf, ['bot']);
    assert.deepEqual(node(support, 'order_number_help').fallbackOf, ['node']);
    assert.equal(node(support, 'track_ask_number').kind, 'ask');
    assert.equal(node(support, 'track_start').kind, 'branch');
    assert.equal(node(support, 'goodbye').kind, 'end');
    assert.equal(node(support, 'main_menu').kind, 'say');
    assert.ok(support.nodes.some((n) => n.kind === 'handoff'));
  });

  it('labels edges with the intent, condition or quick reply that takes them', () => {
    assert.deepEqual(edgesFrom(support, 'track_start'), ['condition order_number is set -> track_result', 'else else -> track_ask_number']);
    assert.deepEqual(edgesFrom(support, 'anything_else'), ['intent affirm -> main_menu', 'intent deny -> goodbye']);
    assert.deepEqual(edgesFrom(support, 'track_ask_number'), ['next next -> track_result', 'fallback not understood -> order_number_help']);
    const reply = support.edges.find((e) => e.from === 'main_menu' && e.to === 'shop_info_menu')!;
    assert.deepEqual([reply.kind, reply.labels], ['reply', { en: 'Delivery & payment', fr: 'Livraison et paiement' }]);
    const toFlow = support.edges.find((e) => e.from === 'main_menu' && e.toFlow === 'account')!;
    assert.equal(toFlow.to, support.flows.find((f) => f.id === 'account')!.start);
  });

  it('gives a node’s message per locale, and the intents that lead to it from anywhere', () => {
    assert.deepEqual(node(support, 'main_menu').text, {
      en: 'What can I help you with? Pick a topic or type your question.',
      fr: 'Que puis-je faire pour vous ? Choisissez un sujet ou posez votre question.',
    });
    assert.ok(node(support, 'welcome').text.en, 'a node that only has a response shows the response’s text');
    assert.deepEqual(node(support, 'help').intents, [{ intent: 'help' }]);
    assert.deepEqual(node(support, 'thanks_reply').intents, [{ intent: 'thanks', flow: 'main' }]);
  });

  it('places each node where it is written', () => {
    const welcome = node(support, 'welcome');
    const uri = support.files[welcome.file];
    assert.match(uri, /examples\/support\/flows\/main\.bot\.yaml$/);
    const lines = readText(new URL(uri).pathname).text.split('\n');
    assert.equal(lines[welcome.line].slice(welcome.character, welcome.character + 'welcome:'.length), 'welcome:');
    assert.ok(welcome.endLine > welcome.line);
  });

  it('puts each problem on the node or flow that holds it, and dims unreachable nodes', () => {
    const f = fixture(`
//- /bot/bot.bot.yaml
bot:
  name: Shop
  locales: [en, fr]
  start: welcome
flows:
  main:
    start: no_such_start
    nodes:
      welcome:
        say: { en: Hi, fr: Salut }
        goto: nowhere
      lonely:
        say: { en: Alone }
        sey: typo
        end: true
`);
    const graph = f.service.workspace && getGraph(f.service.workspace, f.uris['/bot/bot.bot.yaml'])!;
    const welcome = node(graph, 'welcome');
    assert.equal(welcome.severity, 'error');
    assert.deepEqual(welcome.problems!.map((p) => p.code), ['unknown-node']);
    assert.equal(node(graph, 'lonely').severity, 'error');
    assert.equal(node(graph, 'lonely').reachable, false);
    assert.equal(welcome.reachable, true);
    const main = graph.flows[0];
    assert.deepEqual(main.problems!.map((p) => p.code), ['unknown-node'], 'the flow’s own `start` problem, not its nodes’');
    assert.deepEqual(graph.edges, [], 'no edge to a node that does not exist');
  });

  it('shows the problems the editor shows: bot-wide checks, with the manifest’s severities', () => {
    const source = (checks: string) => `
//- /bot/bot.bot.yaml
bot:
  name: Shop
  locales: [en]
  start: welcome
  ${checks}
flows:
  main:
    nodes:
      welcome:
        say: Hi
        quick_replies:
          - label: Next
            goto: stuck
      stuck:
        say: Nothing happens after this
`;
    const graph = (checks: string) => {
      const f = fixture(source(checks));
      return getGraph(f.service.workspace, f.uris['/bot/bot.bot.yaml'], (uri) => f.service.getDiagnostics(uri))!;
    };
    const plain = graph('');
    assert.deepEqual(node(plain, 'stuck').problems?.map((p) => `${p.severity} ${p.code}`), ['error dead-end']);
    assert.deepEqual(node(plain, 'welcome').problems?.map((p) => `${p.severity} ${p.code}`), ['warning no-fallback']);
    const relaxed = graph('checks: { dead-end: warning, no-fallback: off }');
    assert.deepEqual(node(relaxed, 'stuck').problems?.map((p) => `${p.severity} ${p.code}`), ['warning dead-end']);
    assert.equal(node(relaxed, 'welcome').severity, undefined);
  });

  it('answers nothing for a file it does not know', () => {
    const f = fixture('flows: {}');
    assert.equal(getGraph(f.service.workspace, 'file:///nowhere.bot.yaml'), undefined);
  });

  it('the voicebot is reachable from end to end too', () => {
    const voicebot = exampleGraph('voicebot');
    assert.ok(voicebot.nodes.length > 10);
    assert.deepEqual(voicebot.nodes.filter((n) => !n.reachable).map((n) => n.id), []);
  });
});
