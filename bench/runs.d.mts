/** See runs.mjs: several runs' Markdown tables as one, each figure the median of the runs. */
export function summarizeRuns(tables: string[][]): string[];
