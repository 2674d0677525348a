// The 3-D view: our own WebGL point renderer with an orbit camera. Drag rotates, the wheel zooms,
// right- or ctrl-drag pans, shift-drag draws a lasso. Points are round sprites of a fixed pixel size
// with a mild depth cue (nearer is bigger, within ×0.6–×1.6: zooming in spreads points apart rather
// than blowing them up);
// dimmed points are blended towards the background (opaque, so the depth test stays correct) and the
// highlighted ones are drawn again on top without the depth test, so that they are never hidden.
import { lookAt, multiply, perspective, type Mat4 } from './mat4.js';
import { pointInPolygon } from './polygon.js';
import type { Rgb, ScatterData, ScatterEvents, ScatterView } from './scatter-view.js';

/** Bounds of the depth cue: a sprite's size × (camera distance / its depth). */
const MIN_CUE = 0.6;
const MAX_CUE = 1.6;

const VERTEX = `
attribute vec3 position;
attribute vec4 color;
attribute float size;
uniform mat4 mvp;
uniform float depth;
varying vec4 vColor;
void main() {
  gl_Position = mvp * vec4(position, 1.0);
  gl_PointSize = size * clamp(depth / gl_Position.w, ${MIN_CUE.toFixed(2)}, ${MAX_CUE.toFixed(2)});
  vColor = color;
}`;

const FRAGMENT = `
precision mediump float;
varying vec4 vColor;
void main() {
  vec2 c = gl_PointCoord * 2.0 - 1.0;
  float r = dot(c, c);
  if (r > 1.0) discard;
  gl_FragColor = vec4(vColor.rgb * (1.0 - 0.18 * r), 1.0);
}`;

interface Camera {
  target: [number, number, number];
  yaw: number;
  pitch: number;
  distance: number;
}

const HOME: Camera = { target: [0, 0, 0], yaw: 0.6, pitch: 0.35, distance: 3.4 };

export class Scatter3d implements ScatterView {
  readonly dims = 3 as const;
  private readonly gl: WebGLRenderingContext;
  private readonly program: WebGLProgram;
  private readonly buffers: { position: WebGLBuffer; color: WebGLBuffer; size: WebGLBuffer; top: WebGLBuffer };
  private readonly overlay: HTMLCanvasElement;
  private count = 0;
  private coords: Float32Array = new Float32Array(0);
  private colorIndex: Uint16Array = new Uint16Array(0);
  private palette: readonly Rgb[] = [];
  private focus: number | null = null;
  private related: readonly number[] = [];
  private topCount = 0;
  /** Sprite diameters in CSS pixels at the camera's focal depth: every point, the related, the focus. */
  private sizes = { base: 4, related: 10, focus: 13 };
  private camera: Camera = { ...HOME, target: [...HOME.target] };
  private width = 1;
  private height = 1;
  private mvp: Mat4 = new Float32Array(16);
  private screen: Float32Array | null = null; // x, y, w per point, cached per camera
  private frame = 0;
  private hoverFrame = 0;
  private flight = 0;
  private readonly cleanup: (() => void)[] = [];
  private afterDraw: (() => void)[] = [];

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly events: ScatterEvents,
    private readonly background: Rgb,
    private readonly accent: Rgb,
  ) {
    const gl = canvas.getContext('webgl', { antialias: true, preserveDrawingBuffer: true });
    if (!gl) throw new Error('This browser has no WebGL: the 3-D view cannot be drawn.');
    this.gl = gl;
    this.program = link(gl, VERTEX, FRAGMENT);
    this.buffers = { position: gl.createBuffer()!, color: gl.createBuffer()!, size: gl.createBuffer()!, top: gl.createBuffer()! };
    this.overlay = document.createElement('canvas');
    this.overlay.className = 'lasso-overlay';
    canvas.after(this.overlay);
    this.listen();
  }

  async setData(data: ScatterData): Promise<void> {
    this.count = data.coords.length / 3;
    this.coords = data.coords;
    this.colorIndex = data.colorIndex;
    this.palette = data.palette;
    this.focus = null;
    this.related = [];
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffers.position);
    gl.bufferData(gl.ARRAY_BUFFER, data.coords, gl.STATIC_DRAW);
    this.uploadStyle();
    // Resolves once the points are on the canvas (the GPU finished), like regl-scatterplot's draw().
    await new Promise<void>((resolve) => {
      this.afterDraw.push(resolve);
      this.invalidate();
    });
  }

  setColors(colorIndex: Uint16Array, palette: readonly Rgb[]): void {
    this.colorIndex = colorIndex;
    this.palette = palette;
    this.uploadStyle();
    this.invalidate();
  }

  highlight(focus: number | null, related: readonly number[]): void {
    this.focus = focus;
    this.related = related;
    this.uploadStyle();
    this.invalidate();
  }

  flyTo(indices: readonly number[]): void {
    if (indices.length === 0) return;
    const lo = [Infinity, Infinity, Infinity];
    const hi = [-Infinity, -Infinity, -Infinity];
    for (const i of indices) {
      for (let d = 0; d < 3; d++) {
        lo[d] = Math.min(lo[d], this.coords[i * 3 + d]);
        hi[d] = Math.max(hi[d], this.coords[i * 3 + d]);
      }
    }
    const target: [number, number, number] = [(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2];
    const extent = Math.max(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]);
    this.animateTo({ ...this.camera, target, distance: Math.max(0.12, extent * 2.2) });
  }

  resetView(): void {
    this.animateTo({ ...HOME, target: [...HOME.target] });
  }

  screenPosition(index: number): [number, number] | null {
    const s = this.projectAll();
    if (index < 0 || index >= this.count || s[index * 3 + 2] <= 0) return null;
    return [s[index * 3], s[index * 3 + 1]];
  }

  resize(width: number, height: number): void {
    const ratio = window.devicePixelRatio || 1;
    this.width = Math.max(1, width);
    this.height = Math.max(1, height);
    for (const c of [this.canvas, this.overlay]) {
      c.width = Math.round(this.width * ratio);
      c.height = Math.round(this.height * ratio);
      c.style.width = `${this.width}px`;
      c.style.height = `${this.height}px`;
    }
    this.invalidate();
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    cancelAnimationFrame(this.hoverFrame);
    cancelAnimationFrame(this.flight);
    for (const off of this.cleanup) off();
    this.overlay.remove();
    const gl = this.gl;
    for (const b of Object.values(this.buffers)) gl.deleteBuffer(b);
    gl.deleteProgram(this.program);
  }

  /** Colour and size of every point from the palette and the highlight state. */
  private uploadStyle(): void {
    const gl = this.gl;
    const n = this.count;
    const colors = new Uint8Array(n * 4);
    const sizes = new Float32Array(n);
    const dimmed = this.focus !== null || this.related.length > 0;
    const [br, bg, bb] = this.background;
    const ratio = window.devicePixelRatio || 1;
    // Smaller sprites the more points there are, as in the 2-D view: ~8 px for a few hundred, ~3 px for 100k.
    const basePx = Math.max(3, Math.min(8, 14 - 2.2 * Math.log10(Math.max(10, n))));
    this.sizes = { base: basePx, related: Math.max(10, basePx * 1.5), focus: Math.max(13, basePx * 2) };
    const base = basePx * ratio;
    for (let i = 0; i < n; i++) {
      const [r, g, b] = this.palette[this.colorIndex[i]] ?? [128, 128, 128];
      const keep = dimmed ? 0.22 : 1;
      colors[i * 4] = r * keep + br * (1 - keep);
      colors[i * 4 + 1] = g * keep + bg * (1 - keep);
      colors[i * 4 + 2] = b * keep + bb * (1 - keep);
      colors[i * 4 + 3] = 255;
      sizes[i] = base;
    }
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffers.color);
    gl.bufferData(gl.ARRAY_BUFFER, colors, gl.STATIC_DRAW);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffers.size);
    gl.bufferData(gl.ARRAY_BUFFER, sizes, gl.STATIC_DRAW);
    // The emphasised points, drawn again on top: x, y, z, r, g, b, size.
    const top = this.focus === null ? [...this.related] : [...this.related, this.focus];
    const data = new Float32Array(top.length * 7);
    top.forEach((i, k) => {
      const isFocus = i === this.focus;
      const [r, g, b] = isFocus ? this.focusColor() : this.accent;
      data.set(
        [
          this.coords[i * 3],
          this.coords[i * 3 + 1],
          this.coords[i * 3 + 2],
          r / 255,
          g / 255,
          b / 255,
          (isFocus ? this.sizes.focus : this.sizes.related) * ratio,
        ],
        k * 7,
      );
    });
    this.topCount = top.length;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffers.top);
    gl.bufferData(gl.ARRAY_BUFFER, data, gl.STATIC_DRAW);
  }

  /** The selected point: white on a dark background, near-black on a light one. */
  private focusColor(): Rgb {
    const [r, g, b] = this.background;
    return r + g + b > 384 ? [17, 19, 24] : [255, 255, 255];
  }

  private invalidate(): void {
    this.screen = null;
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.draw());
  }

  private updateMatrix(): void {
    const { target, yaw, pitch, distance } = this.camera;
    const eye = [
      target[0] + distance * Math.cos(pitch) * Math.sin(yaw),
      target[1] + distance * Math.sin(pitch),
      target[2] + distance * Math.cos(pitch) * Math.cos(yaw),
    ];
    const proj = perspective(Math.PI / 4, this.width / this.height, 0.01, 100);
    this.mvp = multiply(proj, lookAt(eye, target));
  }

  private draw(): void {
    const gl = this.gl;
    this.updateMatrix();
    gl.viewport(0, 0, this.canvas.width, this.canvas.height);
    const [r, g, b] = this.background;
    gl.clearColor(r / 255, g / 255, b / 255, 1);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    if (this.count === 0) {
      for (const resolve of this.afterDraw.splice(0)) resolve();
      return;
    }
    gl.useProgram(this.program);
    gl.uniformMatrix4fv(gl.getUniformLocation(this.program, 'mvp'), false, this.mvp);
    // The depth cue: sprites at the camera's focal distance keep their size.
    gl.uniform1f(gl.getUniformLocation(this.program, 'depth'), this.camera.distance);
    const position = gl.getAttribLocation(this.program, 'position');
    const color = gl.getAttribLocation(this.program, 'color');
    const size = gl.getAttribLocation(this.program, 'size');
    gl.enable(gl.DEPTH_TEST);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffers.position);
    gl.enableVertexAttribArray(position);
    gl.vertexAttribPointer(position, 3, gl.FLOAT, false, 0, 0);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffers.color);
    gl.enableVertexAttribArray(color);
    gl.vertexAttribPointer(color, 4, gl.UNSIGNED_BYTE, true, 0, 0);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffers.size);
    gl.enableVertexAttribArray(size);
    gl.vertexAttribPointer(size, 1, gl.FLOAT, false, 0, 0);
    gl.drawArrays(gl.POINTS, 0, this.count);
    if (this.topCount > 0) {
      gl.disable(gl.DEPTH_TEST);
      gl.bindBuffer(gl.ARRAY_BUFFER, this.buffers.top);
      gl.vertexAttribPointer(position, 3, gl.FLOAT, false, 28, 0);
      gl.vertexAttribPointer(color, 3, gl.FLOAT, false, 28, 12);
      gl.vertexAttribPointer(size, 1, gl.FLOAT, false, 28, 24);
      gl.drawArrays(gl.POINTS, 0, this.topCount);
    }
    if (this.afterDraw.length > 0) {
      gl.finish();
      for (const resolve of this.afterDraw.splice(0)) resolve();
    }
    this.events.view();
  }

  /** Screen x, y (CSS pixels) and clip w of every point under the current camera, cached. */
  private projectAll(): Float32Array {
    if (this.screen) return this.screen;
    this.updateMatrix();
    const m = this.mvp;
    const c = this.coords;
    const out = new Float32Array(this.count * 3);
    const hw = this.width / 2;
    const hh = this.height / 2;
    for (let i = 0; i < this.count; i++) {
      const x = c[i * 3];
      const y = c[i * 3 + 1];
      const z = c[i * 3 + 2];
      const w = m[3] * x + m[7] * y + m[11] * z + m[15];
      const px = (m[0] * x + m[4] * y + m[8] * z + m[12]) / w;
      const py = (m[1] * x + m[5] * y + m[9] * z + m[13]) / w;
      out[i * 3] = (px + 1) * hw;
      out[i * 3 + 1] = (1 - py) * hh;
      out[i * 3 + 2] = w;
    }
    this.screen = out;
    return out;
  }

  /** Sprite radius of a point in CSS pixels, as the vertex shader sizes it. */
  private radius(diameter: number, w: number): number {
    return (diameter * Math.max(MIN_CUE, Math.min(MAX_CUE, this.camera.distance / w))) / 2;
  }

  /**
   * The point drawn under (x, y): what the eye sees there is what a click selects. The highlighted
   * points are drawn on top (the focus last), so they come first; else the sprite under the cursor
   * nearest to the camera (the depth test's winner); else the nearest centre within 6 px.
   */
  private pick(x: number, y: number): number | null {
    const s = this.projectAll();
    const top = this.focus === null ? this.related : [...this.related, this.focus];
    for (let k = top.length - 1; k >= 0; k--) {
      const i = top[k];
      const w = s[i * 3 + 2];
      if (w <= 0) continue;
      const r = this.radius(i === this.focus ? this.sizes.focus : this.sizes.related, w) + 1;
      if ((s[i * 3] - x) ** 2 + (s[i * 3 + 1] - y) ** 2 <= r * r) return i;
    }
    let covering: number | null = null;
    let nearest: number | null = null;
    let nearestD2 = 36;
    for (let i = 0; i < this.count; i++) {
      const w = s[i * 3 + 2];
      if (w <= 0) continue;
      const d2 = (s[i * 3] - x) ** 2 + (s[i * 3 + 1] - y) ** 2;
      if (d2 > 400) continue;
      const r = this.radius(this.sizes.base, w) + 1;
      if (d2 <= r * r && (covering === null || w < s[covering * 3 + 2])) covering = i;
      if (d2 < nearestD2) {
        nearestD2 = d2;
        nearest = i;
      }
    }
    return covering ?? nearest;
  }

  private animateTo(to: Camera): void {
    cancelAnimationFrame(this.flight);
    const from = { ...this.camera, target: [...this.camera.target] as [number, number, number] };
    const start = performance.now();
    const step = (now: number) => {
      const t = Math.min(1, (now - start) / 600);
      const e = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
      this.camera = {
        target: [0, 1, 2].map((d) => from.target[d] + (to.target[d] - from.target[d]) * e) as [number, number, number],
        yaw: from.yaw + (to.yaw - from.yaw) * e,
        pitch: from.pitch + (to.pitch - from.pitch) * e,
        distance: from.distance + (to.distance - from.distance) * e,
      };
      this.invalidate();
      if (t < 1) this.flight = requestAnimationFrame(step);
    };
    this.flight = requestAnimationFrame(step);
  }

  private listen(): void {
    const canvas = this.canvas;
    let drag: { x: number; y: number; mode: 'rotate' | 'pan' | 'lasso'; moved: boolean; path: [number, number][] } | null = null;
    const local = (e: MouseEvent): [number, number] => {
      const r = canvas.getBoundingClientRect();
      return [e.clientX - r.left, e.clientY - r.top];
    };
    const on = <K extends keyof HTMLElementEventMap>(type: K, fn: (e: HTMLElementEventMap[K]) => void, opts?: AddEventListenerOptions) => {
      canvas.addEventListener(type, fn as EventListener, opts);
      this.cleanup.push(() => canvas.removeEventListener(type, fn as EventListener));
    };
    on('contextmenu', (e) => e.preventDefault());
    on('pointerdown', (e) => {
      const [x, y] = local(e);
      canvas.setPointerCapture(e.pointerId);
      const mode = e.shiftKey ? 'lasso' : e.button === 2 || e.ctrlKey ? 'pan' : 'rotate';
      drag = { x, y, mode, moved: false, path: [[x, y]] };
    });
    on('pointermove', (e) => {
      const [x, y] = local(e);
      if (!drag) {
        cancelAnimationFrame(this.hoverFrame);
        this.hoverFrame = requestAnimationFrame(() => this.events.hover(this.pick(x, y), x, y));
        return;
      }
      const dx = x - drag.x;
      const dy = y - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
      if (drag.mode === 'lasso') {
        drag.path.push([x, y]);
        this.drawLasso(drag.path);
        return;
      }
      drag.x = x;
      drag.y = y;
      const cam = this.camera;
      if (drag.mode === 'rotate') {
        cam.yaw -= dx * 0.008;
        cam.pitch = Math.max(-1.5, Math.min(1.5, cam.pitch + dy * 0.008));
      } else {
        // Pan in the camera plane, scaled so the point under the cursor stays under it.
        const k = (cam.distance * 0.83) / this.height;
        const right = [Math.cos(cam.yaw), 0, -Math.sin(cam.yaw)];
        const up = [-Math.sin(cam.pitch) * Math.sin(cam.yaw), Math.cos(cam.pitch), -Math.sin(cam.pitch) * Math.cos(cam.yaw)];
        for (let d = 0; d < 3; d++) cam.target[d] += (-dx * right[d] + dy * up[d]) * k;
      }
      this.events.hover(null, x, y);
      this.invalidate();
    });
    on('pointerup', (e) => {
      const [x, y] = local(e);
      const d = drag;
      drag = null;
      if (!d) return;
      if (d.mode === 'lasso') {
        this.drawLasso([]);
        if (d.path.length > 2) {
          const s = this.projectAll();
          const inside: number[] = [];
          for (let i = 0; i < this.count; i++) {
            if (s[i * 3 + 2] > 0 && pointInPolygon(s[i * 3], s[i * 3 + 1], d.path)) inside.push(i);
          }
          this.events.lasso(inside);
        }
        return;
      }
      if (!d.moved) this.events.click(this.pick(x, y));
    });
    on('pointerleave', () => this.events.hover(null, 0, 0));
    on(
      'wheel',
      (e) => {
        e.preventDefault();
        cancelAnimationFrame(this.flight);
        this.camera.distance = Math.max(0.05, Math.min(20, this.camera.distance * Math.exp(e.deltaY * 0.0012)));
        this.invalidate();
      },
      { passive: false },
    );
  }

  private drawLasso(path: [number, number][]): void {
    const ctx = this.overlay.getContext('2d')!;
    const ratio = this.overlay.width / this.width;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    if (path.length < 2) return;
    ctx.beginPath();
    path.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
    ctx.closePath();
    ctx.fillStyle = 'rgba(120, 160, 255, 0.12)';
    ctx.strokeStyle = 'rgba(120, 160, 255, 0.9)';
    ctx.lineWidth = 1.5;
    ctx.fill();
    ctx.stroke();
  }
}

function link(gl: WebGLRenderingContext, vertex: string, fragment: string): WebGLProgram {
  const compile = (type: number, source: string) => {
    const shader = gl.createShader(type)!;
    gl.shaderSource(shader, source);
    gl.compileShader(shader);
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(`WebGL shader: ${gl.getShaderInfoLog(shader)}`);
    return shader;
  };
  const program = gl.createProgram()!;
  gl.attachShader(program, compile(gl.VERTEX_SHADER, vertex));
  gl.attachShader(program, compile(gl.FRAGMENT_SHADER, fragment));
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`WebGL program: ${gl.getProgramInfoLog(program)}`);
  return program;
}
