// SVG bar charts for bench reports: one group of horizontal bars per measurement, one bar per
// engine, each labelled with its value. Plain SVG text, no dependency.

export interface ChartGroup {
  readonly label: string;
  readonly bars: readonly { readonly engine: string; readonly value: number }[];
}

export interface Chart {
  readonly title: string;
  /** What the numbers are, e.g. "ms (lower is better)". */
  readonly unit: string;
  readonly groups: readonly ChartGroup[];
  /** Log scale when values span orders of magnitude. */
  readonly log?: boolean;
}

const WIDTH_PX = 900;
const LABEL_WIDTH_PX = 330;
const VALUE_WIDTH_PX = 110;
const BAR_HEIGHT_PX = 16;
const BAR_GAP_PX = 4;
const GROUP_GAP_PX = 14;
const HEADER_PX = 48;
/** Engine colours, in the order engines first appear. */
const PALETTE = ['#2f6fb0', '#e08a1e', '#4a9a4a', '#a64ca6', '#888888'];

function escapeXml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  return Number(v.toPrecision(3)).toString();
}

/** The chart as an SVG document. Bars of non-positive or non-finite values are drawn empty. */
export function renderChart(chart: Chart): string {
  const engines: string[] = [];
  for (const g of chart.groups) for (const b of g.bars) if (!engines.includes(b.engine)) engines.push(b.engine);
  const values = chart.groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v) => Number.isFinite(v) && v > 0);
  const max = values.length === 0 ? 1 : Math.max(...values);
  const min = values.length === 0 ? 1 : Math.min(...values);
  const barSpace = WIDTH_PX - LABEL_WIDTH_PX - VALUE_WIDTH_PX;
  const length = (v: number): number => {
    if (!Number.isFinite(v) || v <= 0) return 0;
    if (chart.log !== true) return (v / max) * barSpace;
    const lo = Math.log10(min) - 1;
    return ((Math.log10(v) - lo) / (Math.log10(max) - lo)) * barSpace;
  };
  const parts: string[] = [];
  let y = HEADER_PX;
  for (const g of chart.groups) {
    parts.push(`<text x="8" y="${y + BAR_HEIGHT_PX - 3}" font-weight="bold">${escapeXml(g.label)}</text>`);
    for (const b of g.bars) {
      const colour = PALETTE[engines.indexOf(b.engine) % PALETTE.length];
      const w = length(b.value);
      parts.push(`<text x="${LABEL_WIDTH_PX - 8}" y="${y + BAR_HEIGHT_PX - 3}" text-anchor="end">${escapeXml(b.engine)}</text>`);
      parts.push(`<rect x="${LABEL_WIDTH_PX}" y="${y}" width="${w.toFixed(1)}" height="${BAR_HEIGHT_PX}" fill="${colour}"><title>${escapeXml(`${b.engine}: ${formatValue(b.value)}`)}</title></rect>`);
      parts.push(`<text x="${(LABEL_WIDTH_PX + w + 6).toFixed(1)}" y="${y + BAR_HEIGHT_PX - 3}">${escapeXml(formatValue(b.value))}</text>`);
      y += BAR_HEIGHT_PX + BAR_GAP_PX;
    }
    y += GROUP_GAP_PX;
  }
  const height = y + 8;
  const title = `${chart.title} — ${chart.unit}${chart.log === true ? ', log scale' : ''}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH_PX}" height="${height}" viewBox="0 0 ${WIDTH_PX} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="24" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
