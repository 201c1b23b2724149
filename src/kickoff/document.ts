/**
 * A document as a list of blocks, written once and rendered to Markdown (Mermaid blocks GitHub draws)
 * or to one self-contained HTML file (diagrams inlined as SVG, no external CSS, fonts or scripts).
 * Inline text may use `**bold**` and `` `code` ``; everything else is escaped for the target.
 */
import { fenced, type CodeLanguage } from '../outline/statements.js';
import { progressBar } from '../progress/progress.js';
import { escapeHtml, highlight } from './highlight.js';

export type Block =
  /** `pageBreak`: printed on a new page (each phase of the runbook). */
  | { kind: 'heading'; level: 1 | 2 | 3 | 4; text: string; id?: string; pageBreak?: boolean }
  /** Statements, shown as written: a fenced block in Markdown, highlighted in HTML. */
  | { kind: 'code'; language: CodeLanguage; code: string; title?: string }
  /** What must not be missed (the point of no return): a quote in Markdown, a framed box in HTML. */
  | { kind: 'warning'; text: string }
  /** Numbered steps, in order. */
  | { kind: 'steps'; items: string[] }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[]; checklist?: boolean }
  | { kind: 'table'; header: string[]; rows: string[][] }
  /** Mermaid text for Markdown; SVG for HTML, or a fallback text when no image could be drawn. */
  | { kind: 'diagram'; title: string; mermaid: string; svg?: string; fallback?: string }
  /** Progress bars: `done` of `total`, with a label and the counts in words. */
  | { kind: 'bars'; rows: { label: string; done: number; total: number; text: string }[] };

/**
 * Text for Markdown: HTML and link syntax in it (user text: titles, descriptions) are shown as text.
 * Code spans are left alone, where Markdown shows everything as written.
 */
const escapeMarkdown = (s: string) => s.split(/(`[^`]+`)/).map((part, i) => (i % 2 === 1 ? part
  : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/[[\]]/g, '\\$&'))).join('');

export function toMarkdown(blocks: readonly Block[]): string {
  const cell = (s: string) => escapeMarkdown(s).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const out = blocks.map((b) => {
    switch (b.kind) {
      case 'heading':
        return `${'#'.repeat(b.level)} ${escapeMarkdown(b.text)}`;
      case 'paragraph':
        return escapeMarkdown(b.text);
      case 'list':
        return b.items.map((i) => `- ${b.checklist ? '[ ] ' : ''}${escapeMarkdown(i).replace(/\r?\n/g, ' ')}`).join('\n');
      case 'table':
        return [`| ${b.header.map(cell).join(' | ')} |`, `|${b.header.map(() => '---').join('|')}|`, ...b.rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
      case 'diagram':
        return `\`\`\`mermaid\n${b.mermaid.trimEnd()}\n\`\`\``;
      case 'code':
        return `${b.title ? `**${escapeMarkdown(b.title)}**\n\n` : ''}${fenced(b.code, b.language)}`;
      case 'warning':
        return `> **${escapeMarkdown(b.text).replace(/\r?\n/g, ' ')}**`;
      case 'steps':
        return b.items.map((i, n) => `${n + 1}. ${escapeMarkdown(i).replace(/\r?\n/g, ' ')}`).join('\n');
      case 'bars':
        return ['| | progress | |', '|---|---|---|', ...b.rows.map((r) => `| ${cell(r.label)} | \`${progressBar(r.done, r.total, { full: '█', empty: '░' })}\` | ${cell(r.text)} |`)].join('\n');
    }
  });
  return `${out.join('\n\n')}\n`;
}

/** Escapes, then turns **bold** and `code` into tags. */
const inline = (s: string) => escapeHtml(s).replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>').replace(/`([^`]+)`/g, '<code>$1</code>');

const STYLE = `
body{font-family:"DejaVu Sans",system-ui,-apple-system,"Segoe UI",Arial,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1.5rem;color:#1b1b1b;line-height:1.5}
h1{border-bottom:3px solid #455a64;padding-bottom:.3rem}h2{margin-top:2.2rem;border-bottom:1px solid #cfd8dc;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.92rem}th,td{border:1px solid #cfd8dc;padding:.4rem .6rem;text-align:left;vertical-align:top}
th{background:#eceff1}tr:nth-child(even) td{background:#fafafa}code{background:#eceff1;padding:0 .25rem;border-radius:3px;font-size:.9em}
figure{margin:1rem 0;overflow-x:auto;border:1px solid #eceff1;padding:.5rem}figure svg{max-width:100%;height:auto}figcaption{color:#546e7a;font-size:.85rem}
ul.checklist{list-style:none;padding-left:1rem}ul.checklist li::before{content:"☐ ";color:#546e7a}pre{background:#fafafa;padding:.75rem;overflow-x:auto}
pre.code{border:1px solid #cfd8dc;border-radius:4px;font-size:.85rem;line-height:1.4;white-space:pre-wrap;overflow-wrap:anywhere}pre.code code{background:none;padding:0;font-size:inherit}
.code .kw{color:#0d47a1;font-weight:bold}.code .str{color:#2e7d32}.code .com{color:#6d4c41;font-style:italic}.code .num{color:#ad1457}.code .ph{color:#6a1b9a;background:#f3e5f5}
p.code-title{margin:.8rem 0 .2rem;font-weight:bold;font-size:.9rem}
div.warning{border:3px solid #c62828;background:#ffebee;padding:.6rem .9rem;margin:1rem 0;font-weight:bold;color:#b71c1c}
@media print{
body{max-width:none;margin:0;padding:0;font-size:10pt}
h2,h3,h4{break-after:avoid}.page-break{break-before:page}
pre,pre.code,figure,table.bars,div.warning,tr{break-inside:avoid}
pre.code{white-space:pre-wrap;overflow:visible}
a[href]::after{content:" (" attr(href) ")";font-size:.85em;color:#546e7a}a[href^="#"]::after{content:""}
}
`;

export function toHtml(title: string, blocks: readonly Block[]): string {
  const body = blocks.map((b) => {
    switch (b.kind) {
      case 'heading':
        return `<h${b.level}${b.id ? ` id="${escapeHtml(b.id)}"` : ''}${b.pageBreak ? ' class="page-break"' : ''}>${inline(b.text)}</h${b.level}>`;
      case 'code':
        return `${b.title ? `<p class="code-title">${inline(b.title)}</p>` : ''}<pre class="code"><code class="language-${b.language}">${highlight(b.code, b.language)}</code></pre>`;
      case 'warning':
        return `<div class="warning">${inline(b.text)}</div>`;
      case 'steps':
        return `<ol>${b.items.map((i) => `<li>${inline(i)}</li>`).join('')}</ol>`;
      case 'paragraph':
        return `<p>${inline(b.text)}</p>`;
      case 'list':
        return `<ul${b.checklist ? ' class="checklist"' : ''}>${b.items.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`;
      case 'table':
        return `<table><thead><tr>${b.header.map((h) => `<th>${inline(h)}</th>`).join('')}</tr></thead><tbody>${
          b.rows.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
      case 'diagram':
        return b.svg
          ? `<figure>${b.svg.replace(/^<\?xml[^>]*>\s*/, '').replace(/<!DOCTYPE[^>]*>\s*/, '')}<figcaption>${inline(b.title)}</figcaption></figure>`
          : `<figure><pre>${escapeHtml(b.fallback ?? b.mermaid)}</pre><figcaption>${inline(b.title)}</figcaption></figure>`;
      case 'bars':
        return `<table class="bars"><tbody>${b.rows.map((r) => `<tr><td>${inline(r.label)}</td><td><progress value="${r.done}" max="${r.total}" style="width:18rem">` +
          `${r.done}/${r.total}</progress></td><td>${inline(r.text)}</td></tr>`).join('')}</tbody></table>`;
    }
  });
  return `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<title>${escapeHtml(title)}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n${body.join('\n')}\n</body>\n</html>\n`;
}
