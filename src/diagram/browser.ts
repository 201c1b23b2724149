/**
 * Mermaid rendered for real, in the system's Chromium: one browser and one page for every diagram of
 * a run (a page per diagram costs seconds each), Mermaid loaded once from the bundle that
 * @mermaid-js/mermaid-cli installs, PNGs one at a time. Loaded only by the commands that render.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'puppeteer';
import { PlanInputError } from '../errors.js';

/**
 * Mermaid's own limits, stated so the text limit is detected rather than rendered as an error image.
 * Labels as SVG text, not HTML in foreignObject: resvg and image viewers draw no foreignObject. The
 * labels come wrapped (flow.ts), so Mermaid's own wrapping is set wide enough never to cut them again.
 */
export const MERMAID_CONFIG = { startOnLoad: false, securityLevel: 'strict', maxTextSize: 50_000, maxEdges: 500,
  htmlLabels: false, flowchart: { htmlLabels: false, useMaxWidth: false, wrappingWidth: 2000 }, gantt: { useMaxWidth: false }, fontFamily: 'DejaVu Sans, Arial, sans-serif' };

/** As root in a container Chromium needs --no-sandbox; the rest keep it off the (closed) network. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-extensions'];

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];

/**
 * The browser to use: $PLAN_CHROMIUM, $PUPPETEER_EXECUTABLE_PATH, or the usual install paths.
 * PLAN_CHROMIUM=none means no browser, installed or not (what a machine without one gets: the fallbacks).
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.PLAN_CHROMIUM === 'none') return undefined;
  for (const path of [env.PLAN_CHROMIUM, env.PUPPETEER_EXECUTABLE_PATH, ...CANDIDATES]) if (path && existsSync(path)) return path;
  return undefined;
}

function mermaidBundle(): string {
  // mermaid is mermaid-cli's dependency: resolve it from there.
  return createRequire(import.meta.resolve('@mermaid-js/mermaid-cli')).resolve('mermaid/dist/mermaid.min.js');
}

export class MermaidBrowser {
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
  ) {}

  static async launch(executablePath = findChromium()): Promise<MermaidBrowser> {
    if (!executablePath) {
      if (process.env.PLAN_CHROMIUM === 'none') {
        throw PlanInputError.single('no Chromium for the Mermaid renderer: PLAN_CHROMIUM=none', { hint: 'unset PLAN_CHROMIUM, or use --renderer graphviz' });
      }
      throw PlanInputError.single('no Chromium found for the Mermaid renderer', {
        hint: 'install it (Debian: apt-get install chromium), set PLAN_CHROMIUM, or use --renderer graphviz',
      });
    }
    const { default: puppeteer } = await import('puppeteer');
    const browser = await puppeteer.launch({ executablePath, headless: 'shell', args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.setContent('<!doctype html><html><body></body></html>');
      await page.addScriptTag({ path: mermaidBundle() });
      await page.evaluate((config) => (globalThis as unknown as { mermaid: { initialize(c: object): void } }).mermaid.initialize(config), MERMAID_CONFIG);
      return new MermaidBrowser(browser, page);
    } catch (err) {
      await browser.close();
      throw err;
    }
  }

  /** Mermaid's parser on this text: undefined when it parses, the parser's message otherwise. */
  async parseError(definition: string): Promise<string | undefined> {
    return this.page.evaluate(async (text) => {
      try {
        await (globalThis as unknown as { mermaid: { parse(t: string): Promise<unknown> } }).mermaid.parse(text);
        return undefined;
      } catch (e) {
        return String((e as Error)?.message ?? e);
      }
    }, definition);
  }

  async svg(definition: string, id = 'plan'): Promise<string> {
    const result = await this.page.evaluate(async (text, renderId) => {
      try {
        const { svg } = await (globalThis as unknown as { mermaid: { render(i: string, t: string): Promise<{ svg: string }> } }).mermaid.render(renderId, text);
        // Mermaid's string holds HTML (<br> in labels): through the DOM and XMLSerializer it becomes
        // well-formed XML, which an .svg file must be.
        const holder = document.createElement('div');
        holder.innerHTML = svg;
        const element = holder.querySelector('svg')!;
        // Above maxTextSize Mermaid "succeeds" with an image of a sentence (as SVG text, a word a tspan).
        return { svg: new XMLSerializer().serializeToString(element), exceeded: /Maximum text size in diagram exceeded/.test(element.textContent ?? '') };
      } catch (e) {
        return { error: String((e as Error)?.message ?? e) };
      }
    }, definition, id);
    if ('error' in result) throw PlanInputError.single(`Mermaid could not render the diagram: ${result.error}`);
    if (result.exceeded) {
      throw PlanInputError.single('Mermaid refused the diagram: maximum text size exceeded', { hint: 'use --collapse, or --renderer graphviz' });
    }
    return result.svg;
  }

  /** The SVG drawn in the page and captured: PNG (screenshot of the element) or PDF (page sized to it). */
  async raster(svg: string, format: 'png' | 'pdf'): Promise<Buffer> {
    await this.page.setContent(`<!doctype html><html><body style="margin:0;background:white">${svg}</body></html>`);
    const element = await this.page.$('svg');
    const box = await element!.boundingBox();
    if (format === 'png') return Buffer.from(await element!.screenshot({ type: 'png', omitBackground: false }));
    return Buffer.from(await this.page.pdf({ width: `${Math.ceil(box!.width) + 2}px`, height: `${Math.ceil(box!.height) + 2}px`, printBackground: true }));
  }

  /**
   * A whole HTML document printed to PDF (A4, backgrounds, page numbers in the footer): the page's own
   * print stylesheet decides the breaks. The page is left holding the document; Mermaid is not needed.
   */
  async print(html: string): Promise<Buffer> {
    await this.page.setContent(html, { waitUntil: 'load' });
    return Buffer.from(await this.page.pdf({ format: 'A4', printBackground: true, margin: { top: '16mm', bottom: '16mm', left: '14mm', right: '14mm' },
      displayHeaderFooter: true, headerTemplate: '<span></span>',
      footerTemplate: '<div style="font-size:8px;width:100%;text-align:center;color:#555"><span class="pageNumber"></span> / <span class="totalPages"></span></div>' }));
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

/** Opens a local HTML file in headless Chromium and screenshots the whole page (PNG). */
export async function screenshotPage(htmlFile: string, view: { width?: number; height?: number; fullPage?: boolean } = {}): Promise<{ png: Buffer; page: { svgBoxes: { width: number; height: number }[]; tables: string[][][] } }> {
  const executablePath = findChromium();
  if (!executablePath) throw PlanInputError.single('no Chromium found to open the page', { hint: 'install chromium or set PLAN_CHROMIUM' });
  const { default: puppeteer } = await import('puppeteer');
  const browser = await puppeteer.launch({ executablePath, headless: 'shell', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: view.width ?? 1200, height: view.height ?? 900 });
    await page.goto(`file://${htmlFile}`, { waitUntil: 'load' });
    // What a reader sees: the size each diagram takes on the page, and every table's cells.
    const seen = await page.evaluate(() => ({
      svgBoxes: [...document.querySelectorAll('figure > svg')].map((s) => {
        const r = s.getBoundingClientRect();
        return { width: r.width, height: r.height };
      }),
      tables: [...document.querySelectorAll('table')].map((t) => [...t.querySelectorAll('tr')].map((tr) => [...tr.children].map((c) => (c as HTMLElement).innerText))),
    }));
    const png = Buffer.from(await page.screenshot({ fullPage: view.fullPage ?? true, type: 'png' }));
    return { png, page: seen };
  } finally {
    await browser.close();
  }
}
