import * as assert from 'node:assert/strict';
import { reachableNodes } from '../../server/src/service/reachability';
import { fixture } from '../fixture';

/** The nodes of the bot that `path` belongs to that no conversation can reach, sorted. */
function unreachable(source: string, path = '/bot/bot.bot.yaml'): string[] {
  const f = fixture(source);
  const workspace = f.service.workspace;
  const bot = workspace.botOf(f.uris[path]);
  const reached = reachableNodes(workspace, bot);
  return [...bot.ids('node').keys()].filter((id) => !reached.has(id)).sort();
}

const MANIFEST = `
//- /bot/bot.bot.yaml
bot:
  name: Shop
  locales: [en]
  start: welcome
`;

describe('reachability', () => {
  it('follows goto, flow, branch and quick replies from the manifest start, across files', () => {
    assert.deepEqual(
      unreachable(`${MANIFEST}
//- /bot/main.bot.yaml
flows:
  main:
    nodes:
      welcome:
        branch:
          - if: name is set
            goto: hello_again
          - flow: orders
      hello_again:
        quick_replies:
          - label: Track
            goto: track
      island:
        say: Nobody comes here
        goto: welcome
//- /bot/orders.bot.yaml
flows:
  orders:
    start: orders_start
    nodes:
      orphan_first:
        say: The first node, but not the start
        end: true
      orders_start:
        say: Orders
        end: true
      track:
        say: Tracking
        end: true
`),
      ['island', 'orphan_first'],
    );
  });

  it('a flow without `start` starts at its first node', () => {
    assert.deepEqual(
      unreachable(`${MANIFEST}
//- /bot/main.bot.yaml
flows:
  main:
    nodes:
      welcome: { say: Hi, flow: other }
  other:
    nodes:
      first: { say: First, end: true }
      second: { say: Second, end: true }
`),
      ['second'],
    );
  });

  it('global and flow `on` lead somewhere only once a node that waits is reached', () => {
    const bot = (welcome: string) => `
//- /bot/bot.bot.yaml
bot:
  name: Shop
  locales: [en]
  start: welcome
  on:
    help: help
flows:
  main:
    on:
      thanks: thanks_reply
    nodes:
      welcome: ${welcome}
      help: { say: Help, end: true }
      thanks_reply: { say: You're welcome, end: true }
  elsewhere:
    on:
      other: other_reply
    nodes:
      other_reply: { say: Other, end: true }
`;
    assert.deepEqual(unreachable(bot('{ say: Hi, end: true }')), ['help', 'other_reply', 'thanks_reply']);
    assert.deepEqual(unreachable(bot('{ ask: name, prompt: Name?, goto: help }')), ['other_reply']);
    // Quick replies make a node wait too, also when they come from its response.
    assert.deepEqual(unreachable(bot('{ quick_replies: [{ label: Hi, intent: help }] }')), ['other_reply']);
    assert.deepEqual(
      unreachable(`${bot('{ response: menu }')}
responses:
  menu:
    text: Menu
    quick_replies:
      - label: Other
        flow: elsewhere
`),
      [],
    );
  });

  it('the fallback in reach of a waiting node: its own, else its flow’s, else the bot’s', () => {
    const bot = (nodeFallback: string, flowFallback: string) => `
//- /bot/bot.bot.yaml
bot:
  name: Shop
  locales: [en]
  start: welcome
  fallback: bot_fallback
flows:
  main:
    ${flowFallback}
    nodes:
      welcome: { on: { yes: done }, ${nodeFallback} }
      done: { say: Done, end: true }
      node_fallback: { say: Node, end: true }
      flow_fallback: { say: Flow, end: true }
      bot_fallback: { say: Bot, end: true }
`;
    assert.deepEqual(unreachable(bot('fallback: node_fallback', 'fallback: flow_fallback')), ['bot_fallback', 'flow_fallback']);
    assert.deepEqual(unreachable(bot('', 'fallback: flow_fallback')), ['bot_fallback', 'node_fallback']);
    assert.deepEqual(unreachable(bot('', '')), ['flow_fallback', 'node_fallback']);
  });

  it('a node that never waits brings no fallback and no intents', () => {
    assert.deepEqual(
      unreachable(`
//- /bot/bot.bot.yaml
bot:
  name: Shop
  locales: [en]
  start: welcome
  fallback: sorry
  on:
    help: help
flows:
  main:
    nodes:
      welcome: { say: Hi, end: true }
      sorry: { say: Sorry, end: true }
      help: { say: Help, end: true }
`),
      ['help', 'sorry'],
    );
  });

  it('every node counts as reachable when the bot has no entry point', () => {
    const flows = `
flows:
  main:
    nodes:
      a: { say: A, end: true }
      b: { say: B, end: true }
`;
    assert.deepEqual(unreachable(`//- /bot/bot.bot.yaml\nbot:\n  name: No start\n  locales: [en]\n  start: nowhere\n${flows}`), []);
    assert.deepEqual(unreachable(`//- /bot/bot.bot.yaml\n${flows}`), []);
  });

  it('follows the edit of a file (the cached result is not reused)', () => {
    const f = fixture(`${MANIFEST}
//- /bot/main.bot.yaml
flows:
  main:
    nodes:
      welcome: { say: Hi, end: true }
      later: { say: Later, end: true }
`);
    const workspace = f.service.workspace;
    const bot = workspace.botOf(f.uris['/bot/main.bot.yaml']);
    assert.equal(reachableNodes(workspace, bot).has('later'), false);
    assert.equal(reachableNodes(workspace, bot), reachableNodes(workspace, bot), 'computed once while nothing changes');
    f.service.setFile(f.uris['/bot/main.bot.yaml'], f.text('/bot/main.bot.yaml').replace('say: Hi, end: true', 'say: Hi, goto: later'), 2);
    assert.equal(reachableNodes(workspace, bot).has('later'), true);
  });

  it('a response, a flow `on` leading to a flow and a fallback together', () => {
    const f = fixture(`${MANIFEST}
//- /bot/main.bot.yaml
flows:
  main:
    start: welcome
    fallback: sorry
    on:
      order.track: { flow: orders }
    nodes:
      welcome: { response: welcome, goto: menu }
      menu: { say: Menu, quick_replies: [{ label: Orders, intent: order.track }] }
      sorry: { say: Sorry, goto: menu }
  orders:
    nodes:
      orders_start: { say: Orders, goto: menu }
responses:
  welcome: { text: Welcome }
`);
    const bot = f.service.workspace.botOf(f.uris['/bot/main.bot.yaml']);
    assert.deepEqual([...reachableNodes(f.service.workspace, bot)].sort(), ['menu', 'orders_start', 'sorry', 'welcome']);
  });
});
