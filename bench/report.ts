// Benchmark reports: the machine description, ratios, and the Markdown and JSON files a suite run leaves behind.

import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { renderChart, type Chart } from './chart.js';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

/** The commit the measured code came from, with `-dirty` when the work tree differs from it. */
export function sourceCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}-dirty` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

/** A table in the Markdown report; cells are already formatted text. */
export interface ReportTable {
  title: string;
  columns: string[];
  rows: string[][];
  notes?: string[];
}

/** Everything a suite run produced: the tables for people and `data` (suite-defined, JSON-safe) for tools. */
export interface SuiteReport {
  suite: string;
  date: string;
  machine: MachineInfo;
  parameters: Record<string, string | number>;
  engines: { name: string; description: string }[];
  tables: ReportTable[];
  agreement: { ok: boolean; checks: string[]; problems: string[] };
  data: unknown;
  /** Drawn as `<suite>-<date>.svg` beside the Markdown, which links it. */
  chart?: Chart;
  /** The commit measured (set by the bench command for every suite). */
  commit?: string;
}

/**
 * How many times eon's cost exceeds the peer's (time, or time per row for loads): 2.0 means eon
 * takes twice as long, 0.5 half as long. Empty when either side is missing.
 */
export function costRatio(eonCost: number | undefined, peerCost: number | undefined): string {
  if (eonCost === undefined || peerCost === undefined || !Number.isFinite(eonCost) || !Number.isFinite(peerCost) || peerCost <= 0) return '–';
  return `${formatNumber(eonCost / peerCost, 3)}×`;
}

/** Three significant digits, thousands separated; keeps small latencies readable. */
export function formatNumber(x: number, significant = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 10 ** significant) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(significant)).toString();
}

export function markdownTable(table: ReportTable): string {
  const escape = (cell: string): string => cell.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const lines = [
    `| ${table.columns.map(escape).join(' | ')} |`,
    `| ${table.columns.map(() => '---').join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ];
  return lines.join('\n');
}

export function renderMarkdown(report: SuiteReport): string {
  const m = report.machine;
  const out: string[] = [
    `# eon benchmark: ${report.suite}`,
    '',
    `- date: ${report.date}`,
    ...(report.commit === undefined ? [] : [`- commit: ${report.commit}`]),
    `- machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os}, Node ${m.node}`,
    ...Object.entries(report.parameters).map(([k, v]) => `- ${k}: ${typeof v === 'number' ? v.toLocaleString('en-US') : v}`),
    ...report.engines.map((e) => `- ${e.name}: ${e.description}`),
    '',
  ];
  if (report.chart !== undefined) out.push(`![${report.chart.title}](${chartFileName(report)})`, '');
  for (const table of report.tables) {
    out.push(`## ${table.title}`, '', markdownTable(table), '');
    for (const note of table.notes ?? []) out.push(`${note}`, '');
  }
  out.push('## Agreement', '');
  out.push(report.agreement.ok ? 'All engines agree.' : '**The engines DISAGREE or failed:**', '');
  for (const p of report.agreement.problems) out.push(`- ${p}`);
  for (const c of report.agreement.checks) out.push(`- checked: ${c}`);
  out.push('');
  return out.join('\n');
}

/** JSON with bigints as decimal strings (engines hand int8 back as bigint). */
export function renderJson(report: SuiteReport): string {
  return `${JSON.stringify(report, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;
}

function reportBaseName(report: SuiteReport): string {
  return `${report.suite}-${report.date.replaceAll(':', '-').replace(/\.\d+Z$/, 'Z')}`;
}

function chartFileName(report: SuiteReport): string {
  return `${reportBaseName(report)}.svg`;
}

/** Writes `<suite>-<date>.md`, `.json` and (with a chart) `.svg` into outDir; returns their paths. */
export async function writeReport(report: SuiteReport, outDir: string): Promise<{ markdown: string; json: string; svg?: string }> {
  await mkdir(outDir, { recursive: true });
  const base = path.join(outDir, reportBaseName(report));
  const markdown = `${base}.md`;
  const json = `${base}.json`;
  await writeFile(markdown, renderMarkdown(report));
  await writeFile(json, renderJson(report));
  if (report.chart === undefined) return { markdown, json };
  const svg = path.join(outDir, chartFileName(report));
  await writeFile(svg, renderChart(report.chart));
  return { markdown, json, svg };
}
