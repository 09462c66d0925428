/**
 * Small inline-SVG charts for the report (no library, no network): grouped/stacked bars and lines
 * over a category axis. Each chart is a <figure data-chart=… data-points=…> so a test can check
 * it has data; every bar and point carries a <title> with its value.
 */
export interface Series {
  name: string;
  values: (number | null)[];
  color: string;
}

const W = 760;
const H = 240;
const PAD = { left: 56, right: 12, top: 12, bottom: 46 };

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function niceMax(max: number): number {
  if (max <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  // Shares that add up to 100 % come out as 100.00000000000001 in floating point: not a reason for a 200 % axis.
  const target = max * (1 - 1e-9);
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= target) return m * step;
  return 10 * step;
}

function frame(labels: string[], max: number, unit: string): string {
  const plotH = H - PAD.top - PAD.bottom;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = PAD.top + plotH * (1 - f);
    const v = max * f;
    return `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" class="grid"/><text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end">${escapeHtml(formatValue(v))}${escapeHtml(unit)}</text>`;
  });
  const every = Math.max(1, Math.ceil(labels.length / 12));
  const stepX = (W - PAD.left - PAD.right) / Math.max(1, labels.length);
  const xLabels = labels
    .map((l, i) => (i % every === 0 ? `<text x="${PAD.left + stepX * (i + 0.5)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${escapeHtml(l)}</text>` : ''))
    .join('');
  return ticks.join('') + xLabels;
}

const formatValue = (v: number) => (Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v)) : v.toFixed(Math.abs(v) < 1 ? 2 : 1));

function legend(series: Series[]): string {
  return `<div class="legend">${series.map((s) => `<span><i style="background:${s.color}"></i>${escapeHtml(s.name)}</span>`).join('')}</div>`;
}

function figure(id: string, title: string, points: number, svg: string, series: Series[], note?: string): string {
  return `<figure data-chart="${escapeHtml(id)}" data-points="${points}"><figcaption>${escapeHtml(title)}</figcaption>${legend(series)}<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(title)}">${svg}</svg>${note ? `<p class="note">${escapeHtml(note)}</p>` : ''}</figure>`;
}

/** Bars per category: stacked (default) or side by side. */
export function barChart(id: string, title: string, labels: string[], series: Series[], options: { stacked?: boolean; unit?: string; note?: string } = {}): string {
  const stacked = options.stacked ?? true;
  const totals = labels.map((_, i) => (stacked ? series.reduce((s, x) => s + (x.values[i] ?? 0), 0) : Math.max(0, ...series.map((x) => x.values[i] ?? 0))));
  const max = niceMax(Math.max(0, ...totals));
  const plotH = H - PAD.top - PAD.bottom;
  const stepX = (W - PAD.left - PAD.right) / Math.max(1, labels.length);
  const barW = Math.max(1, stepX * 0.8);
  let bars = '';
  let points = 0;
  labels.forEach((label, i) => {
    let base = 0;
    series.forEach((s, k) => {
      const v = s.values[i] ?? 0;
      if (v > 0) points++;
      const h = (v / max) * plotH;
      const w = stacked ? barW : barW / series.length;
      const x = PAD.left + stepX * i + (stepX - barW) / 2 + (stacked ? 0 : w * k);
      const y = PAD.top + plotH - h - (stacked ? (base / max) * plotH : 0);
      if (v > 0) bars += `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="${s.color}"><title>${escapeHtml(`${label} · ${s.name}: ${formatValue(v)}${options.unit ?? ''}`)}</title></rect>`;
      if (stacked) base += v;
    });
  });
  return figure(id, title, points, frame(labels, max, options.unit ?? '') + bars, series, options.note);
}

/** Lines per series over the categories (null = no point). */
export function lineChart(id: string, title: string, labels: string[], series: Series[], options: { unit?: string; max?: number; note?: string } = {}): string {
  const max = options.max ?? niceMax(Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0))));
  const plotH = H - PAD.top - PAD.bottom;
  const stepX = (W - PAD.left - PAD.right) / Math.max(1, labels.length);
  let body = '';
  let points = 0;
  for (const s of series) {
    const coords = s.values.map((v, i) => (v === null ? null : { x: PAD.left + stepX * (i + 0.5), y: PAD.top + plotH * (1 - v / max), v, label: labels[i]! }));
    const path = coords.filter((c) => c !== null).map((c, i) => `${i === 0 ? 'M' : 'L'}${c.x.toFixed(1)},${c.y.toFixed(1)}`).join(' ');
    if (path) body += `<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2"/>`;
    for (const c of coords) {
      if (!c) continue;
      points++;
      body += `<circle cx="${c.x.toFixed(1)}" cy="${c.y.toFixed(1)}" r="2.5" fill="${s.color}"><title>${escapeHtml(`${c.label} · ${s.name}: ${formatValue(c.v)}${options.unit ?? ''}`)}</title></circle>`;
    }
  }
  return figure(id, title, points, frame(labels, max, options.unit ?? '') + body, series, options.note);
}
