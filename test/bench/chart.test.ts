// Report charts: well-formed SVG, bar lengths proportional to the values (or to their logs),
// labels escaped, and every engine in its own colour.
import { describe, expect, it } from 'vitest';
import { renderChart } from '../../bench/chart.js';

const widths = (svg: string): number[] => [...svg.matchAll(/<rect x="\d+" y="\d+" width="([\d.]+)"/g)].map((m) => Number(m[1]));

describe('renderChart', () => {
  it('draws one bar per engine and value, proportional on a linear scale', () => {
    const svg = renderChart({
      title: 'Q <1> & "two"',
      unit: 'ms',
      groups: [
        { label: 'Q1', bars: [{ engine: 'eon', value: 50 }, { engine: 'duckdb', value: 100 }] },
        { label: 'Q2', bars: [{ engine: 'eon', value: 25 }, { engine: 'duckdb', value: 0 }] },
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Q &lt;1&gt; &amp; &quot;two&quot;');
    expect(svg).not.toContain('<1>');
    const [eon1, duck1, eon2, duck2] = widths(svg);
    expect(eon1! / duck1!).toBeCloseTo(0.5, 5);
    expect(eon2! / duck1!).toBeCloseTo(0.25, 5);
    expect(duck2).toBe(0); // a zero value is drawn empty
    expect(new Set([...svg.matchAll(/fill="(#[0-9a-f]{6})"/g)].map((m) => m[1])).size).toBe(2);
    // Tags balance: every <text> and <rect> opened is closed.
    expect(svg.match(/<text/g)?.length).toBe(svg.match(/<\/text>/g)?.length);
    expect(svg.match(/<rect x=/g)?.length).toBe(svg.match(/<\/rect>/g)?.length);
  });

  it('orders bars by the logs of their values on a log scale', () => {
    const svg = renderChart({ title: 't', unit: 'rows/s', log: true, groups: [{ label: 'g', bars: [{ engine: 'a', value: 10 }, { engine: 'b', value: 1000 }, { engine: 'c', value: 100_000 }] }] });
    const [a, b, c] = widths(svg);
    expect(a! > 0 && a! < b! && b! < c!).toBe(true);
    expect(c! - b!).toBeCloseTo(b! - a!, 5); // equal ratios, equal steps
  });
});
