/**
 * A small horizontal bar-chart writer: panels of labelled bars, each panel on its own
 * scale, as a standalone SVG document. No dependencies; fonts are generic families.
 */

export interface Bar {
  label: string;
  /** `null` draws no bar and shows `text` (e.g. "n/a"). */
  value: number | null;
  /** Text at the end of the bar. */
  text: string;
  /** Drawn in the accent colour (our own rows). */
  highlight?: boolean;
}

export interface Panel {
  title: string;
  bars: Bar[];
}

export interface Chart {
  title: string;
  subtitle?: string;
  panels: Panel[];
}

const WIDTH = 860;
const LABEL_WIDTH = 230;
const VALUE_WIDTH = 110;
const BAR_HEIGHT = 16;
const BAR_GAP = 5;
const PANEL_GAP = 18;
const TITLE_HEIGHT = 22;

export function escapeXml(text: string): string {
  let out = '';
  for (const ch of text) {
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else out += ch;
  }
  return out;
}

function fixed(n: number): string {
  return String(Math.round(n * 10) / 10);
}

export function barChart(chart: Chart): string {
  const body: string[] = [];
  let y = 30;
  body.push(
    `<text x="12" y="${y}" font-size="16" font-weight="bold">${escapeXml(chart.title)}</text>`,
  );
  if (chart.subtitle !== undefined) {
    y += 18;
    body.push(
      `<text x="12" y="${y}" font-size="12" fill="#555">${escapeXml(chart.subtitle)}</text>`,
    );
  }
  y += PANEL_GAP;
  const barSpace = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 24;
  for (const panel of chart.panels) {
    y += TITLE_HEIGHT - 6;
    body.push(
      `<text x="12" y="${y}" font-size="13" font-weight="bold">${escapeXml(panel.title)}</text>`,
    );
    y += 8;
    let max = 0;
    for (const bar of panel.bars) if (bar.value !== null && bar.value > max) max = bar.value;
    for (const bar of panel.bars) {
      const mid = y + BAR_HEIGHT / 2 + 4;
      body.push(
        `<text x="${LABEL_WIDTH}" y="${mid}" font-size="12" text-anchor="end">${escapeXml(bar.label)}</text>`,
      );
      const length = bar.value !== null && max > 0 ? (bar.value / max) * barSpace : 0;
      if (bar.value !== null) {
        const colour = bar.highlight === true ? '#d9480f' : '#4c6ef5';
        body.push(
          `<rect x="${LABEL_WIDTH + 8}" y="${y}" width="${fixed(Math.max(length, 1))}" height="${BAR_HEIGHT}" fill="${colour}"/>`,
        );
      }
      body.push(
        `<text x="${fixed(LABEL_WIDTH + 14 + length)}" y="${mid}" font-size="12" fill="#333">${escapeXml(bar.text)}</text>`,
      );
      y += BAR_HEIGHT + BAR_GAP;
    }
    y += PANEL_GAP;
  }
  const height = y;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
