import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { runGraph } from '../../server/src/cli/graph';
import type { GraphModel } from '../../server/src/service/graph';
import { ROOT } from '../webview/exampleGraph';

async function graph(...args: string[]): Promise<string> {
  let out = '';
  const stdout = new Writable({ write: (chunk, _encoding, done) => ((out += chunk), done()) });
  const code = await runGraph(args, stdout, new Writable({ write: (_c, _e, done) => done() }));
  assert.equal(code, 0);
  return out;
}

const SUPPORT = path.join(ROOT, 'examples/support');

describe('botmaster graph', () => {
  it('prints the graph model as JSON, for a bot folder, a folder inside it or one of its files', async () => {
    const model: GraphModel = JSON.parse(await graph(SUPPORT, '--format', 'json'));
    assert.equal(model.nodes.length, 121);
    for (const target of [path.join(SUPPORT, 'flows'), path.join(SUPPORT, 'flows/orders.bot.yaml')]) {
      assert.equal(JSON.parse(await graph(target, '--format=json')).nodes.length, 121, target);
    }
  });

  it('writes Graphviz: one cluster per flow, labelled edges, the entry point marked', async () => {
    const dot = await graph(SUPPORT, '--format', 'dot');
    assert.match(dot, /^digraph "Acme Shop support" \{/);
    assert.equal(dot.match(/subgraph "cluster_/g)?.length, 6);
    assert.match(dot, /"track_start" -> "track_result" \[label="order_number is set"\];/);
    assert.match(dot, /"welcome" \[label="welcome\\n[^"]*", fillcolor="#dbeafe", style="rounded,filled", penwidth=2\.5\];/);
  });

  it('writes Mermaid for one flow, in a chosen language, with shapes by kind', async () => {
    const mermaid = await graph(SUPPORT, '--format', 'mermaid', '--flow', 'orders', '--locale', 'fr');
    assert.match(mermaid, /^flowchart TD\n {2}subgraph f0\["orders"\]\n/);
    assert.equal(mermaid.match(/subgraph/g)?.length, 1);
    assert.match(mermaid, /n0\{\{"track_start"\}\}/, 'a branch is a hexagon');
    assert.match(mermaid, /\[\/"track_ask_number: Quel est votre numéro de commande/, 'an ask is a parallelogram, in French');
    assert.match(mermaid, /-->\|"order_number is set"\|/);
    assert.match(mermaid, /-\.->\|"not understood"\|/);
  });

  it('writes the same SVG drawing as the panel, with the light theme’s colours', async () => {
    const svg = await graph(SUPPORT, '--format', 'svg', '--flow', 'main');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="bm-graph"/);
    assert.match(svg, /<style>[^<]*\.kind-ask \.node-stripe \{ fill: #388a34; \}/);
    assert.equal(svg.match(/<g class="node /g)?.length, 13);
    assert.match(svg, /data-id="welcome"/);
    assert.doesNotMatch(svg, /var\(--/);
  });

  it('keeps bot text as text in every format', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'botmaster-graph-'));
    try {
      fs.writeFileSync(
        path.join(folder, 'bot.bot.yaml'),
        [
          'bot:',
          '  name: "Evil \\" bot <script>"',
          '  locales: [en]',
          '  start: a',
          'flows:',
          '  main:',
          '    nodes:',
          '      a:',
          '        say: "</script><img src=x onerror=alert(1)> #quot; \\"quoted\\" \\\\ back"',
          '        quick_replies:',
          '          - label: "x\\"] --> evil[\\"y | z"',
          '            goto: b',
          '      b: { say: ok, end: true }',
          '',
        ].join('\n'),
      );
      const svg = await graph(folder, '--format', 'svg');
      assert.doesNotMatch(svg, /<img|<script|<\/script>/);
      assert.match(svg, /&#60;\/script&#62;&#60;img src=x/);
      const dot = await graph(folder, '--format', 'dot');
      assert.match(dot, /^digraph "Evil \\" bot <script>" \{/);
      assert.match(dot, /label="x\\"\] --> evil\[\\"y \| z"/);
      const mermaid = await graph(folder, '--format', 'mermaid');
      assert.match(mermaid, /n0\["a: #lt;\/script#gt;#lt;img src=x onerror=alert\(1\)#gt; #35;quot; #quot;quoted#quot; \\ back"\]/);
      assert.match(mermaid, /n0 -->\|"x#quot;\] --#gt; evil\[#quot;y \| z"\| n1/);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses what it cannot do, in plain words', async () => {
    const fails = (args: string[], message: RegExp) => assert.rejects(runGraph(args, process.stdout, process.stderr), (e: Error) => e.name === 'UsageError' && message.test(e.message));
    await fails([SUPPORT, '--format', 'png'], /unknown format `png`: use svg, dot, mermaid or json/);
    await fails([SUPPORT, '--flow', 'ordres'], /no flow named `ordres` in Acme Shop support\. Its flows: /);
    await fails([SUPPORT, '--locale', 'de'], /does not speak `de`/);
    await fails([path.join(ROOT, 'examples')], /holds \d bots .*support.*voicebot.*: name one/);
    await fails([path.join(ROOT, 'nowhere')], /no such file or folder/);
  });
});
