/**
 * The graph preview's webview in headless Chromium, in the extension's own page and Content-Security-Policy, with a
 * stand-in for the VS Code API (harness.ts). Needs a build (dist/webview/). Writes docs/images/graph-support.png.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { getGraph } from '../../server/src/service/graph';
import type { GraphModel } from '../../server/src/service/graph';
import { fixture } from '../fixture';
import { exampleGraph, ROOT } from './exampleGraph';
import { launch, openWebview } from './harness';
import type { Webview } from './harness';

const XSS_BOT = `
//- /bot/bot.bot.yaml
bot:
  name: <img src=x onerror="window.__pwned='bot name'">
  locales: [en]
  start: welcome
flows:
  main:
    description: <svg onload="window.__pwned='flow description'"></svg>
    nodes:
      welcome:
        description: <iframe src="javascript:window.__pwned='iframe'"></iframe>
        say: <img src=x onerror="window.__pwned='say'">
        quick_replies:
          - label: javascript:window.__pwned='label'
            goto: script_node
          - label: <a href="javascript:window.__pwned='link'">click me</a>
            goto: link_node
      script_node:
        say: </script><script>window.__pwned='script'</script>
        end: true
      link_node:
        say: "[click](javascript:window.__pwned='markdown') <b onmouseover=\\"window.__pwned='hover'\\">bold</b>"
        end: true
`;

function graphOf(source: string): GraphModel {
  const f = fixture(source);
  return getGraph(f.service.workspace, Object.values(f.uris)[0])!;
}

describe('graph preview webview (Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let webview: Webview;
  const support = exampleGraph('support');

  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'passed' && webview) {
      assert.deepEqual(await webview.problems(), [], 'no error and no policy violation in the page');
      assert.deepEqual(webview.refused, [], 'nothing loaded from anywhere else');
    }
    await webview?.page.context().close();
  });

  async function show(graph: GraphModel, options: Parameters<typeof openWebview>[1] = {}): Promise<void> {
    webview = await openWebview(browser, options);
    await webview.send({ type: 'graph', uri: graph.files[0], graph });
    await webview.rendered();
  }

  it('draws the support bot: every flow and node, the entry point, laid out in a worker under the policy', async () => {
    await show(support, { width: 2400, height: 1500 });
    const page = webview.page;
    assert.equal((await webview.rendered()).nodes, 121);
    assert.equal(await page.locator('g.flow').count(), 6);
    assert.equal(await page.locator('g.node').count(), 121);
    assert.equal(await page.locator('g.node.entry-bot').getAttribute('data-id'), 'welcome');
    assert.equal(await page.locator('g.node.kind-fallback[data-id="global_fallback"]').count(), 1);
    assert.match((await page.locator('g.node[data-id="main_menu"] .node-text').allTextContents()).join(' '), /What can I help you with\?/);
    assert.ok((await page.locator('text.edge-label', { hasText: 'order_number is set' }).count()) > 0, 'edges are labelled');
    assert.deepEqual(await webview.workers(), { started: 1, answers: 1 }, 'the layout ran in a worker');
    assert.equal(await page.locator('body').getAttribute('data-layout'), 'worker');
    assert.match((await page.locator('.status').textContent()) ?? '', /121 nodes in 6 flows/);
  });

  it('first shows the entry point’s flow; far away, flows are boxes, and a click comes closer', async () => {
    await show(support);
    const page = webview.page;
    const firstView = await page.locator('g.node').count();
    assert.ok(firstView > 10 && firstView < 121, `only the flows near the window are in the page (${firstView})`);
    assert.equal(await page.locator('g.node.entry-bot').count(), 1);
    await page.screenshot({ path: path.join(ROOT, 'docs/images/graph-support.png') });
    await page.locator('svg.bm-graph').focus();
    await page.keyboard.press('0'); // the whole graph: too small to read
    await page.waitForSelector('g.flow.overview');
    assert.equal(await page.locator('g.flow.overview').count(), 6);
    assert.equal(await page.locator('g.node').count(), 0, 'boxes only');
    const boxes = await page.locator('path.overview-nodes').evaluateAll((paths) => paths.reduce((n, p) => n + (p.getAttribute('d')!.match(/z/g) ?? []).length, 0));
    assert.equal(boxes, 121, 'every node is a box of the overview');
    await page.locator('g.flow.overview[data-flow="returns"]').click();
    await page.waitForSelector('g.flow[data-flow="returns"] g.node');
  });

  it('posts a reveal message when a node is clicked, and selects it', async () => {
    await show(support);
    await webview.page.locator('g.node[data-id="main_menu"]').click();
    assert.deepEqual((await webview.posted()).filter((m) => m.type === 'reveal'), [{ type: 'reveal', node: 'main_menu' }]);
    assert.equal(await webview.page.locator('g.node.selected').getAttribute('data-id'), 'main_menu');
    assert.ok((await webview.page.locator('path.edge.emphasis').count()) >= 2, 'the selected node’s edges are emphasised');
  });

  it('shows bot text as text: markup, scripts and javascript: links run nothing and load nothing', async () => {
    const graph = graphOf(XSS_BOT);
    await show(graph);
    const page = webview.page;
    for (const id of ['welcome', 'script_node', 'link_node']) {
      await page.locator(`g.node[data-id="${id}"]`).click();
      await page.locator(`g.node[data-id="${id}"]`).hover();
    }
    await page.locator('button', { hasText: 'SVG' }).click();
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned), undefined, 'no script ran');
    const injected = await page.evaluate(() => ({
      elements: document.querySelectorAll('img, iframe, a, foreignObject, b, #app script, svg svg').length,
      handlers: Array.from(document.querySelectorAll('*')).flatMap((el) => Array.from(el.attributes).filter((a) => a.name.startsWith('on')).map((a) => a.name)),
    }));
    assert.deepEqual(injected, { elements: 0, handlers: [] });
    const titles = (await page.locator('g.node title').allTextContents()).join('\n');
    assert.ok(titles.includes(`<img src=x onerror="window.__pwned='say'">`), titles);
    assert.ok(titles.includes(`</script><script>window.__pwned='script'</script>`), titles);
    assert.ok((await page.locator('text.edge-label').allTextContents()).some((t) => t.startsWith('javascript:')));
    assert.equal(await page.locator('.toolbar .title').textContent(), `<img src=x onerror="window.__pwned='bot name'">`);
    // The exported SVG keeps the text as text too.
    const exported = (await webview.posted()).find((m) => m.type === 'export')!;
    assert.equal(exported.type === 'export' && exported.format, 'svg');
    const parsed = await page.evaluate((source) => {
      // Without its <style>: a parsed document takes the page's policy, which allows no style element without the nonce.
      const doc = new DOMParser().parseFromString(source.replace(/<style>[^<]*<\/style>/, ''), 'image/svg+xml');
      return { error: doc.querySelector('parsererror')?.textContent, elements: doc.querySelectorAll('img, script, iframe, a, foreignObject').length, text: doc.documentElement.textContent };
    }, exported.type === 'export' ? exported.data : '');
    assert.equal(parsed.error, undefined);
    assert.equal(parsed.elements, 0);
    assert.ok(parsed.text!.includes(`</script><script>window.__pwned='script'</script>`));
  });

  it('moves between nodes with the keyboard, and Enter reveals', async () => {
    await show(support);
    const page = webview.page;
    await page.locator('svg.bm-graph').focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('g.node.selected').getAttribute('data-id'), 'welcome', 'the first key selects the entry point');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('g.node.selected').getAttribute('data-id'), 'main_menu');
    await page.keyboard.press('Enter');
    assert.deepEqual((await webview.posted()).filter((m) => m.type === 'reveal'), [{ type: 'reveal', node: 'main_menu' }]);
  });

  it('follows the editor: a selected node is marked and brought into view', async () => {
    await show(support);
    await webview.send({ type: 'select', node: 'refund_status' });
    const page = webview.page;
    await page.waitForSelector('g.node.selected[data-id="refund_status"]');
    await page.waitForTimeout(100);
    const box = (await page.locator('g.node.selected .node-box').boundingBox())!;
    const canvas = (await page.locator('svg.bm-graph').boundingBox())!;
    assert.ok(box.x >= canvas.x && box.y >= canvas.y && box.x + box.width <= canvas.x + canvas.width && box.y + box.height <= canvas.y + canvas.height, JSON.stringify({ box, canvas }));
    assert.equal((await webview.posted()).filter((m) => m.type === 'reveal').length, 0, 'no reveal back to the editor');
  });

  it('an update keeps pan, zoom and selection, and shows the change', async () => {
    await show(support);
    const page = webview.page;
    await page.locator('g.node[data-id="main_menu"]').click();
    await page.mouse.move(600, 400);
    await page.mouse.wheel(0, -200);
    await page.waitForTimeout(300);
    const before = await page.locator('g.viewport').getAttribute('transform');
    const edited: GraphModel = JSON.parse(JSON.stringify(support));
    edited.nodes.find((n) => n.id === 'main_menu')!.text.en = 'Edited text of the menu';
    await webview.send({ type: 'graph', uri: support.files[0], graph: edited });
    await webview.rendered(2);
    assert.equal(await page.locator('g.viewport').getAttribute('transform'), before);
    assert.equal(await page.locator('g.node.selected').getAttribute('data-id'), 'main_menu');
    assert.match((await page.locator('g.node[data-id="main_menu"] .node-text').allTextContents()).join(' '), /Edited text of the menu/);
  });

  it('restores its view after a reload, from the saved state', async () => {
    await show(support);
    await webview.page.locator('g.node[data-id="main_menu"]').click();
    await webview.page.mouse.move(500, 300);
    await webview.page.mouse.wheel(0, 300);
    await webview.page.waitForTimeout(400);
    const saved = (await webview.state())!;
    assert.equal(saved.selected, 'main_menu');
    assert.equal(saved.uri, support.files[0], 'the serializer finds the bot again through the uri');
    const transform = await webview.page.locator('g.viewport').getAttribute('transform');
    await webview.page.context().close();
    await show(support, { state: saved });
    assert.equal(await webview.page.locator('g.viewport').getAttribute('transform'), transform);
    assert.equal(await webview.page.locator('g.node.selected').getAttribute('data-id'), 'main_menu');
  });

  it('focus mode shows the selected node and its neighbours; search finds nodes by id and text', async () => {
    await show(support);
    const page = webview.page;
    await webview.send({ type: 'select', node: 'track_start' });
    await page.waitForSelector('g.node.selected[data-id="track_start"]');
    await page.locator('svg.bm-graph').focus();
    await page.keyboard.press('f');
    const focused = await webview.rendered(2);
    const ids = await page.locator('g.node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    assert.ok(ids.includes('track_start') && ids.includes('track_result') && ids.length < 40, ids.join());
    assert.equal(focused.nodes, ids.length, 'the whole neighbourhood is in view');
    assert.ok((await page.locator('.cross-edges path.edge').count()) > 0, 'edges between flows are drawn in focus mode');
    await page.keyboard.press('Escape');
    assert.equal((await webview.rendered(3)).nodes, 121);
    await page.locator('input.search').fill('parcel');
    await page.waitForFunction(() => document.querySelectorAll('g.node.match').length > 0);
    const found = Number(/^(\d+) found$/.exec((await page.locator('.count').textContent()) ?? '')?.[1]);
    assert.ok(found >= (await page.locator('g.node.match').count()) && found > 1, `${found} found`);
    await page.locator('input.search').press('Enter');
    assert.match((await page.locator('.count').textContent()) ?? '', new RegExp(`^1 of ${found}$`));
    assert.equal(await page.locator('g.node.selected.match').count(), 1);
  });

  it('collapses a flow to one box and filters flows', async () => {
    await show(support);
    const page = webview.page;
    await page.locator('svg.bm-graph').focus();
    await page.keyboard.press('0');
    await page.locator('g.flow[data-flow="orders"] text.flow-title').click();
    const ordersNodes = support.nodes.filter((n) => n.flow === 'orders').length;
    assert.equal((await webview.rendered(2)).nodes, 121 - ordersNodes);
    assert.equal(await page.locator('g.flow.collapsed[data-flow="orders"]').count(), 1);
    assert.deepEqual((await webview.state())?.collapsed, ['orders']);
    await page.locator('.toolbar select').first().selectOption('returns');
    await webview.rendered(3);
    assert.deepEqual(await page.locator('g.flow').evaluateAll((els) => els.map((e) => e.getAttribute('data-flow'))), ['returns']);
  });

  it('marks nodes with problems and dims unreachable ones, in the chosen language', async () => {
    await show(
      graphOf(`
//- /bot/bot.bot.yaml
bot:
  name: Shop
  locales: [en, fr]
  start: welcome
flows:
  main:
    nodes:
      welcome:
        say: { en: Hello, fr: Bonjour }
        goto: nowhere
      lonely:
        say: { en: Alone, fr: Seul }
        end: true
`),
    );
    const page = webview.page;
    assert.equal(await page.locator('g.node.sev-error[data-id="welcome"] .badge-error').count(), 1);
    assert.match((await page.locator('g.node[data-id="welcome"] title').textContent()) ?? '', /error: There is no node named `nowhere`/);
    assert.equal(await page.locator('g.node.unreachable[data-id="lonely"]').count(), 1);
    assert.equal(await page.locator('g.node.unreachable').count(), 1);
    await page.locator('.toolbar select').nth(1).selectOption('fr');
    await webview.rendered(2);
    assert.equal(await page.locator('g.node[data-id="welcome"] .node-text').textContent(), 'Bonjour');
  });

  it('highlights the way a simulator conversation took and where it waits, across updates', async () => {
    await show(support, { width: 2400, height: 1500 });
    const page = webview.page;
    const onPath = () => page.locator('g.node.on-path').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')).sort());
    await webview.send({ type: 'path', nodes: ['welcome', 'main_menu', 'track_start', 'track_ask_number'], current: 'track_ask_number' });
    await page.waitForSelector('g.node.on-path');
    assert.deepEqual(await onPath(), ['main_menu', 'track_ask_number', 'track_start', 'welcome']);
    assert.deepEqual(await page.locator('g.node.path-current').evaluateAll((els) => els.map((e) => e.getAttribute('data-id'))), ['track_ask_number']);
    assert.equal(await page.locator('path.edge.on-path[data-from="welcome"][data-to="main_menu"]').count(), 1);
    assert.equal(await page.locator('path.edge.on-path[data-from="track_start"][data-to="track_ask_number"]').count(), 1);
    assert.equal(await page.locator('path.edge.on-path[data-from="main_menu"][data-to="welcome"]').count(), 0, 'only moves taken, in their direction');
    // A new graph (an edit) keeps the highlight; an empty path removes it.
    const edited: GraphModel = JSON.parse(JSON.stringify(support));
    edited.nodes.find((n) => n.id === 'welcome')!.text.en = 'Edited welcome';
    await webview.send({ type: 'graph', uri: support.files[0], graph: edited });
    await webview.rendered(2);
    assert.deepEqual(await onPath(), ['main_menu', 'track_ask_number', 'track_start', 'welcome']);
    await webview.send({ type: 'path', nodes: [] });
    await page.waitForFunction(() => document.querySelectorAll('.on-path, .path-current').length === 0);
  });

  it('exports PNG', async () => {
    await show(support);
    await webview.page.locator('button', { hasText: 'PNG' }).click();
    await webview.page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'export'));
    const exported = (await webview.posted()).find((m) => m.type === 'export');
    assert.ok(exported?.type === 'export' && exported.format === 'png' && exported.data.startsWith('data:image/png;base64,'));
    assert.ok(exported.data.length > 50_000, 'a picture with something in it');
  });
});
