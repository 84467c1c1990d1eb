/**
 * vega-lite → vega → SVG in Node (the `none` renderer: no canvas, text widths
 * estimated), and SVG → PNG with resvg (a Rust rasteriser shipped as a binary).
 */
import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A PNG of the SVG at twice its size; system fonts (DejaVu on Debian) draw the text. */
export function renderPng(svg: string): Buffer {
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return r.render().asPng();
}

/**
 * The same SVG with its ids (clip paths, gradients) prefixed, so several
 * inline SVGs in one HTML page do not resolve `url(#clip1)` to each other's.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_m, id: string) => `id="${prefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${prefix}${id})`)
    .replace(/\b(xlink:)?href="#([^"]+)"/g, (_m, x: string | undefined, id: string) => `${x ?? ''}href="#${prefix}${id}"`);
}
