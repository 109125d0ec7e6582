// Pictures of documents for the in-browser fake backend: one SVG page as a
// data: URL, so the preview screens can be walked without the desktop app.
// Nothing here is a real invoice or label; core/src/documents draws those.

import type { DocumentKind, Dpi, Lang, Paper } from './types';

const SIZE_MM: Record<Paper, [number, number]> = {
  a4: [210, 297],
  a5: [148, 210],
  label_4x6: [101.6, 152.4],
  label_100x150: [100, 150],
};

function esc(text: string): string {
  return text.replace(
    /[<>&"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!,
  );
}

// Bars that look like a barcode of `value` (not a decodable one).
function bars(value: string, x: number, y: number, width: number, height: number): string {
  const pattern = [...value].flatMap((c) => {
    const n = c.charCodeAt(0);
    return [1 + (n % 3), 1 + ((n >> 2) % 2), 1 + ((n >> 1) % 3), 1];
  });
  const total = pattern.reduce((a, b) => a + b, 0) + 20;
  const unit = width / total;
  let at = x + 10 * unit;
  let out = '';
  pattern.forEach((w, i) => {
    if (i % 2 === 0) {
      out += `<rect x="${at.toFixed(2)}" y="${y}" width="${(w * unit).toFixed(2)}" height="${height}"/>`;
    }
    at += w * unit;
  });
  return out;
}

export interface FakePage {
  kind: DocumentKind;
  paper: Paper;
  lang: Lang;
  title: string;
  subtitle: string;
  rows: string[];
  barcode: string | null;
  page: number;
  pages: number;
  seller: string;
}

export function fakePage(p: FakePage): string {
  const [w, h] = SIZE_MM[p.paper];
  const label = p.kind === 'label';
  const m = label ? 5 : 14;
  const big = 7;
  const small = label ? 3.6 : 3.4;
  const parts: string[] = [];
  let y = m + small;
  parts.push(`<text x="${m}" y="${y}" font-size="${small}" fill="#555">${esc(p.seller)}</text>`);
  y += big + 3;
  parts.push(`<text x="${m}" y="${y}" font-size="${big}" font-weight="700">${esc(p.title)}</text>`);
  y += small + 3;
  parts.push(`<text x="${m}" y="${y}" font-size="${small}">${esc(p.subtitle)}</text>`);
  y += 4;
  parts.push(
    `<line x1="${m}" y1="${y}" x2="${w - m}" y2="${y}" stroke="#222" stroke-width="0.4"/>`,
  );
  y += 3;
  const step = label ? 7 : 6.5;
  for (const row of p.rows) {
    y += step;
    parts.push(
      `<text x="${m}" y="${y}" font-size="${label ? 5 : 3.8}">${esc(row.slice(0, label ? 40 : 80))}</text>`,
    );
  }
  if (p.barcode) {
    const bh = 28;
    const by = h - m - bh - 8;
    parts.push(`<g fill="#000">${bars(p.barcode, m, by, w - 2 * m, bh)}</g>`);
    parts.push(
      `<text x="${w / 2}" y="${by + bh + 6}" font-size="5" text-anchor="middle" font-family="monospace">${esc(p.barcode)}</text>`,
    );
  }
  if (!label) {
    const footer =
      p.lang === 'ru' ? `Стр. ${p.page} из ${p.pages}` : `Page ${p.page} of ${p.pages}`;
    parts.push(
      `<text x="${w - m}" y="${h - m / 2}" font-size="${small}" text-anchor="end" fill="#555">${footer}</text>`,
    );
  }
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w * 4}" height="${h * 4}" font-family="DejaVu Sans, Arial, sans-serif">` +
    `<rect width="${w}" height="${h}" fill="#fff"/>${parts.join('')}</svg>`;
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

export function fakeZpl(title: string, rows: string[], value: string, dpi: Dpi): string {
  const dots = dpi === '300' ? 12 : 8; // dots per mm
  const lines = [
    '^XA',
    '^CI28',
    `^PW${100 * dots}`,
    `^LL${150 * dots}`,
    `^FO${5 * dots},${5 * dots}^A0N,${8 * dots},${8 * dots}^FD${title}^FS`,
    ...rows.map(
      (r, i) => `^FO${5 * dots},${(20 + i * 8) * dots}^A0N,${5 * dots},${5 * dots}^FD${r}^FS`,
    ),
    `^FO${5 * dots},${105 * dots}^BY3^BCN,${25 * dots},Y,N,N^FD${value}^FS`,
    '^XZ',
  ];
  return lines.join('\n');
}
