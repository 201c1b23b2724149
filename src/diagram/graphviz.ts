/**
 * Diagrams without a browser: DOT laid out by Graphviz compiled to WebAssembly, PNG rasterised by
 * resvg (native binary from npm, no system packages). Loaded only by the commands that render.
 */
export async function graphvizSvg(dot: string): Promise<string> {
  const { Graphviz } = await import('@hpcc-js/wasm-graphviz');
  const graphviz = await Graphviz.load();
  // Laid out with DejaVu Sans's metrics (Graphviz knows them by that one name; with a list of
  // fallbacks it guesses narrower text that overflows the boxes), shown with fallbacks where it is missing.
  return graphviz.layout(dot, 'svg', 'dot').replaceAll('font-family="DejaVu Sans"', 'font-family="DejaVu Sans,Arial,sans-serif"');
}

export async function svgToPng(svg: string): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return Buffer.from(resvg.render().asPng());
}
