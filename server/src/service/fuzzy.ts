/** "Did you mean": the nearest names by edit distance (with transpositions), bounded so it stays cheap on big bots. */

export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prevPrev[j - 2] + 1);
      row.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > limit) return limit + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length];
}

/** Letter counts of the name `nearest` is looking for, by ASCII code (folded to lower case; 127: any other letter). */
const wanted = new Int32Array(128);

/**
 * A lower bound of the edit distance between \`lower\` (whose letters are counted in \`wanted\`) and an ASCII
 * candidate, cheap to compute: the candidate's letters \`lower\` lacks, or \`lower\`'s letters the candidate lacks,
 * whichever are more (an edit changes at most one of each; a transposition none). \`undefined\` for a candidate with
 * other letters, whose lower case may not be one letter each.
 */
function lettersApart(lowerLength: number, candidate: string): number | undefined {
  if (candidate.length > taken.length) return undefined;
  let extra = 0;
  let matched = 0;
  let ascii = true;
  for (let i = 0; i < candidate.length; i++) {
    let code = candidate.charCodeAt(i);
    if (code >= 128) {
      ascii = false;
      break;
    }
    if (code >= 65 && code <= 90) code += 32;
    if (wanted[code] > 0) {
      wanted[code]--;
      taken[matched++] = code;
    } else extra++;
  }
  for (let j = 0; j < matched; j++) wanted[taken[j]]++; // given back for the next candidate
  return ascii ? Math.max(extra, lowerLength - matched) : undefined;
}
/** The letters \`lettersApart\` took from \`wanted\`, to give back. */
const taken = new Int32Array(256);

/**
 * The candidates nearest to \`name\`, best first: close in spelling (about a third of its letters), ignoring case.
 * Most candidates are ruled out by their letters alone (\`lettersApart\`), so a bot of 20,000 ids answers a thousand
 * unknown references in a blink, not in seconds.
 */
export function nearest(name: string, candidates: Iterable<string>, max = 3): string[] {
  const lower = name.toLowerCase();
  const limit = name.length <= 3 ? 1 : Math.max(2, Math.floor(name.length / 3));
  const scored: { candidate: string; score: number }[] = [];
  // Counted back over before returning, so that the next call starts from zeros.
  const count = (by: 1 | -1) => {
    for (let i = 0; i < lower.length; i++) {
      let code = lower.charCodeAt(i);
      if (code >= 128) code = 127;
      else if (code >= 65 && code <= 90) code += 32;
      wanted[code] += by;
    }
  };
  count(1);
  try {
    for (const candidate of candidates) {
      if (candidate === name) continue;
      const apart = lettersApart(lower.length, candidate);
      if (apart !== undefined && apart > limit) continue;
      const d = editDistance(lower, candidate.toLowerCase(), limit);
      if (d <= limit) scored.push({ candidate, score: d });
    }
  } finally {
    count(-1);
  }
  scored.sort((x, y) => x.score - y.score || x.candidate.localeCompare(y.candidate));
  return scored.slice(0, max).map((s) => s.candidate);
}

export function closest(name: string, candidates: Iterable<string>): string | undefined {
  return nearest(name, candidates, 1)[0];
}
