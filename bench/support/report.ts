/**
 * The table every benchmark prints: each row is one measurement, wharf's figure beside the peer's
 * figure measured in the same run on the same input, and their ratio (wharf / peer; for times, lower
 * is better), plus the goal the issue set, when it set one.
 */

export interface Row {
  what: string;
  wharf: number;
  peer: number;
  peerName: string;
  unit: string;
  goal?: string;
}

export function printTable(title: string, rows: Row[]): void {
  const cells = rows.map((row) => [
    row.what,
    `${format(row.wharf)} ${row.unit}`,
    `${format(row.peer)} ${row.unit} (${row.peerName})`,
    `${(row.wharf / row.peer).toFixed(2)}x`,
    row.goal ?? "",
  ]);
  const header = ["measurement", "wharf", "peer", "ratio", "goal"];
  const widths = header.map((name, i) => Math.max(name.length, ...cells.map((row) => (row[i] ?? "").length)));
  const line = (values: string[]) => values.map((value, i) => value.padEnd(widths[i] ?? 0)).join("  ");
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log(line(widths.map((width) => "-".repeat(width))));
  for (const row of cells) console.log(line(row));
}

function format(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(3);
}

/** The median of several runs, which a single slow run cannot move. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
