// Several runs of a benchmark that prints a Markdown table of | measure | value | rows, summed up as one table: each
// figure of a value is the median of the runs (a value such as "29 ms / 102 ms" has two), and a column gives every
// run's figures. A row whose words differ between runs (a list of the slowest checks…) is given as in the first run.

const NUMBER = /\d[\d,]*(?:\.\d+)?/g;

/** The figures of a value, as numbers. */
function figures(value) {
  return (value.match(NUMBER) ?? []).map((n) => Number(n.replace(/,/g, '')));
}

/** `value` with its figures replaced by `numbers`, written as the first run wrote them (decimals, thousands). */
function withFigures(value, numbers) {
  let i = 0;
  return value.replace(NUMBER, (written) => {
    const n = numbers[i++];
    const decimals = written.includes('.') ? written.split('.')[1].length : 0;
    return written.includes(',') ? n.toLocaleString('en', { maximumFractionDigits: decimals, minimumFractionDigits: decimals }) : n.toFixed(decimals);
  });
}

function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * One table from the runs' rows (each run: its lines starting with "| ", the table's title row and "|---" line
 * included). The title comes from the first run.
 */
export function summarizeRuns(tables) {
  const parse = (line) => {
    const cells = line.split(' | ');
    return { label: cells[0].slice(2), value: cells.slice(1).join(' | ').replace(/ \|$/, '') };
  };
  const [first, ...others] = tables;
  const out = [];
  for (const [index, line] of first.entries()) {
    if (line.startsWith('|---')) {
      out.push(tables.length > 1 ? '|---|---:|---|' : line);
      continue;
    }
    const { label, value } = parse(line);
    if (out.length === 0) {
      // The title row.
      out.push(tables.length > 1 ? `| ${label} | median of ${tables.length} runs | each run |` : line);
      continue;
    }
    if (tables.length === 1) {
      out.push(line);
      continue;
    }
    // The same label may come twice (from the two processes of a run): the n-th with the n-th.
    const nth = first.slice(0, index).filter((l) => l.startsWith('| ') && parse(l).label === label).length;
    const values = [value, ...others.map((rows) => rows.map(parse).filter((row) => row.label === label)[nth]?.value)];
    const shape = (v) => v?.replace(NUMBER, '#');
    if (values.some((v) => shape(v) !== shape(value)) || figures(value).length === 0) {
      out.push(`| ${label} | ${value} | (as in the first run) |`);
      continue;
    }
    const all = values.map(figures);
    const medians = all[0].map((_, i) => median(all.map((f) => f[i])));
    const each = all.map((f) => f.map((n) => n.toLocaleString('en', { maximumFractionDigits: 2 })).join(' / ')).join(' · ');
    out.push(`| ${label} | ${withFigures(value, medians)} | ${each} |`);
  }
  return out;
}
