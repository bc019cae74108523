/**
 * The run's report curves from metrics.jsonl: per-task evaluation success and return over
 * training steps (the same rows report.html draws), on plain 2-D canvases.
 */

interface Series {
  readonly name: string;
  readonly points: Array<[number, number]>;
}

const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

/** eval/<metric>/<task> series from metrics.jsonl text; torn or non-JSON lines are skipped. */
export function evalSeries(metricsText: string, metric: "success" | "return"): Series[] {
  const byTask = new Map<string, Array<[number, number]>>();
  for (const line of metricsText.split("\n")) {
    if (line.trim() === "") continue;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (row["kind"] !== "eval" || typeof row["step"] !== "number") continue;
    for (const [key, value] of Object.entries(row)) {
      const prefix = `eval/${metric}/`;
      if (!key.startsWith(prefix) || typeof value !== "number") continue;
      const task = key.slice(prefix.length);
      if (!byTask.has(task)) byTask.set(task, []);
      byTask.get(task)!.push([row["step"], value]);
    }
  }
  return [...byTask].map(([name, points]) => ({ name, points }));
}

/** Draws the series with axes and a legend; an empty list draws a note instead. */
export function drawSeries(canvas: HTMLCanvasElement, title: string, series: readonly Series[]): void {
  const context = canvas.getContext("2d");
  if (context === null) return;
  const width = (canvas.width = canvas.clientWidth || 560);
  const height = (canvas.height = canvas.clientHeight || 260);
  context.clearRect(0, 0, width, height);
  context.font = "12px system-ui, sans-serif";
  context.fillStyle = "#222";
  context.fillText(title, 8, 14);
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) {
    context.fillText("no evaluation rows in metrics.jsonl yet", 8, 40);
    return;
  }
  const left = 48, right = width - 130, top = 24, bottom = height - 28;
  const [xMin, xMax] = extent(all.map((p) => p[0]));
  const [yMin, yMax] = extent(all.map((p) => p[1]));
  const x = (v: number): number => left + ((v - xMin) / (xMax - xMin || 1)) * (right - left);
  const y = (v: number): number => bottom - ((v - yMin) / (yMax - yMin || 1)) * (bottom - top);
  context.strokeStyle = "#999";
  context.strokeRect(left, top, right - left, bottom - top);
  context.fillText(format(yMax), 4, top + 4);
  context.fillText(format(yMin), 4, bottom);
  context.fillText(`step ${format(xMin)}`, left, height - 8);
  context.fillText(format(xMax), right - 40, height - 8);
  series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length]!;
    context.strokeStyle = colour;
    context.lineWidth = 1.5;
    context.beginPath();
    s.points.forEach(([px, py], j) => (j === 0 ? context.moveTo(x(px), y(py)) : context.lineTo(x(px), y(py))));
    context.stroke();
    context.fillStyle = colour;
    context.fillText(s.name, right + 8, top + 12 + 14 * i);
  });
}

function extent(values: readonly number[]): [number, number] {
  return [Math.min(...values), Math.max(...values)];
}

function format(value: number): string {
  return Math.abs(value) >= 1000 ? value.toFixed(0) : Number(value.toPrecision(3)).toString();
}
