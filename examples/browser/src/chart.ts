// The live loss curve: an SVG polyline of every step's loss (and a moving average), redrawn per step.
const W = 560;
const H = 220;
const PAD = 36;

export class LossChart {
  private readonly losses: number[] = [];
  private readonly raw: SVGPolylineElement;
  private readonly smooth: SVGPolylineElement;
  private readonly yTop: SVGTextElement;
  private readonly yBottom: SVGTextElement;
  private readonly xRight: SVGTextElement;

  constructor(readonly svg: SVGSVGElement) {
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    const el = <K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string>) => {
      const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
      svg.appendChild(e);
      return e;
    };
    el('line', { x1: `${PAD}`, y1: `${H - PAD}`, x2: `${W - 8}`, y2: `${H - PAD}`, class: 'axis' });
    el('line', { x1: `${PAD}`, y1: '8', x2: `${PAD}`, y2: `${H - PAD}`, class: 'axis' });
    this.raw = el('polyline', { class: 'loss-raw', points: '' });
    this.smooth = el('polyline', { class: 'loss-smooth', points: '' });
    this.yTop = el('text', { x: '2', y: '16', class: 'tick' });
    this.yBottom = el('text', { x: '2', y: `${H - PAD}`, class: 'tick' });
    this.xRight = el('text', { x: `${W - 60}`, y: `${H - 12}`, class: 'tick' });
    el('text', { x: `${PAD + 4}`, y: `${H - 12}`, class: 'tick' }).textContent = 'step →';
  }

  get values(): readonly number[] {
    return this.losses;
  }

  push(loss: number): void {
    this.losses.push(loss);
    const n = this.losses.length;
    const max = Math.max(...this.losses);
    const min = Math.min(0, ...this.losses);
    const x = (i: number) => PAD + ((W - 8 - PAD) * i) / Math.max(1, n - 1);
    const y = (v: number) => 8 + ((H - PAD - 8) * (max - v)) / Math.max(1e-9, max - min);
    this.raw.setAttribute('points', this.losses.map((v, i) => `${x(i)},${y(v)}`).join(' '));
    const k = Math.max(1, Math.round(n / 10));
    const avg = this.losses.map((_, i) => {
      const from = Math.max(0, i - k + 1);
      const win = this.losses.slice(from, i + 1);
      return win.reduce((a, b) => a + b, 0) / win.length;
    });
    this.smooth.setAttribute('points', avg.map((v, i) => `${x(i)},${y(v)}`).join(' '));
    this.yTop.textContent = max.toFixed(2);
    this.yBottom.textContent = min.toFixed(2);
    this.xRight.textContent = `${n}`;
  }
}
