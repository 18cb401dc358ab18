/**
 * Export the diagram for teaching material: a standalone SVG (the colours the page computed from its CSS variables
 * written onto each element, so the file looks the same outside the app), or a PNG rendered from it at 2×.
 */
const PAINT = [
  'fill',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'opacity',
  'fill-opacity',
  'font-family',
  'font-size',
  'font-weight',
] as const;

export function standaloneSvg(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const live = [svg, ...svg.querySelectorAll('*')];
  const copy = [clone, ...clone.querySelectorAll('*')];
  live.forEach((el, i) => {
    const cs = getComputedStyle(el);
    const out = copy[i] as SVGElement;
    out.removeAttribute('class');
    const style = PAINT.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
    out.setAttribute('style', style);
  });
  const bg = getComputedStyle(document.body).backgroundColor;
  clone.setAttribute('style', `background:${bg}`);
  return new XMLSerializer().serializeToString(clone);
}

function download(url: string, name: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = name.replace(/[^\w.-]+/g, '_');
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export function exportSvg(svg: SVGSVGElement, name: string): void {
  const url = URL.createObjectURL(new Blob([standaloneSvg(svg)], { type: 'image/svg+xml' }));
  download(url, name);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function exportPng(svg: SVGSVGElement, name: string, scale = 2): Promise<void> {
  const text = standaloneSvg(svg);
  const w = svg.viewBox.baseVal.width;
  const h = svg.viewBox.baseVal.height;
  const img = new Image();
  img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(text);
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(w * scale);
  canvas.height = Math.ceil(h * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = getComputedStyle(document.body).backgroundColor;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/png'));
  if (!blob) return;
  const url = URL.createObjectURL(blob);
  download(url, name);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
