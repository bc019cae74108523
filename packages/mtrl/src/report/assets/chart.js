// The SVG charts of report.html and compare.html, shared by both pages: each page inlines this file
// before its own script, which takes what it needs from window.mtrlCharts. Plain browser JavaScript
// with no dependencies and no network.
//
// A chart is { id, title, yLabel, yRange, legend?, series: [{ name, steps, values, emphasis,
// colorIndex?, spread?, counts? }] }: null values lift the pen (gaps stay visible); `spread` draws a band of
// value ± spread[i] (e.g. the sd over seeds) and `counts` the number of runs behind each point,
// both shown on hover.
"use strict";
(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const WIDTH = 640;
  const HEIGHT = 300;
  const MARGIN = { top: 16, right: 16, bottom: 40, left: 64 };
  const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svgElement(tag, attributes) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
    return node;
  }

  function colorOf(index, series) {
    if (series.emphasis) return "#111";
    const slot = series.colorIndex === undefined ? index : series.colorIndex;
    return PALETTE[slot % PALETTE.length];
  }

  function formatValue(value) {
    if (value === null || value === undefined) return "n/a";
    const magnitude = Math.abs(value);
    if (magnitude !== 0 && (magnitude >= 1e5 || magnitude < 1e-3)) return value.toExponential(2);
    return Number(value.toPrecision(4)).toString();
  }

  // "Nice" tick values (1, 2, 5 × 10^k) covering [low, high].
  function ticks(low, high, count) {
    if (!(high > low)) return [low];
    const rough = (high - low) / count;
    const power = Math.pow(10, Math.floor(Math.log10(rough)));
    const step = [1, 2, 2.5, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) || rough;
    const result = [];
    for (let value = Math.ceil(low / step) * step; value <= high + step * 1e-9; value += step) result.push(Number(value.toPrecision(12)));
    return result;
  }

  function spreadAt(series, index) {
    if (!series.spread) return null;
    const spread = series.spread[index];
    return spread === null || spread === undefined || series.values[index] === null ? null : spread;
  }

  function extent(chart) {
    let minStep = Infinity;
    let maxStep = -Infinity;
    let minValue = Infinity;
    let maxValue = -Infinity;
    for (const series of chart.series) {
      series.steps.forEach((step, index) => {
        minStep = Math.min(minStep, step);
        maxStep = Math.max(maxStep, step);
        const value = series.values[index];
        if (value !== null) {
          const spread = spreadAt(series, index) || 0;
          minValue = Math.min(minValue, value - spread);
          maxValue = Math.max(maxValue, value + spread);
        }
      });
    }
    if (chart.yRange) {
      minValue = Math.min(minValue, chart.yRange[0]);
      maxValue = Math.max(maxValue, chart.yRange[1]);
    }
    if (!Number.isFinite(minStep)) {
      minStep = 0;
      maxStep = 1;
    }
    if (!Number.isFinite(minValue)) {
      minValue = 0;
      maxValue = 1;
    }
    if (maxStep === minStep) maxStep = minStep + 1;
    if (maxValue === minValue) {
      const pad = Math.abs(maxValue) * 0.1 || 1;
      minValue -= pad;
      maxValue += pad;
    } else if (!chart.yRange) {
      const pad = (maxValue - minValue) * 0.05;
      minValue -= pad;
      maxValue += pad;
    }
    return { minStep, maxStep, minValue, maxValue };
  }

  // An SVG path through the points; a null value lifts the pen, so gaps stay visible.
  function pathData(series, x, y) {
    let d = "";
    let penDown = false;
    series.steps.forEach((step, index) => {
      const value = series.values[index];
      if (value === null) {
        penDown = false;
        return;
      }
      d += (penDown ? "L" : "M") + x(step).toFixed(1) + " " + y(value).toFixed(1);
      penDown = true;
    });
    return d;
  }

  // Closed outlines of value ± spread, one per stretch of consecutive points that have a spread.
  function bandData(series, x, y) {
    let d = "";
    let stretch = [];
    const close = () => {
      if (stretch.length > 0) {
        const upper = stretch.map((index) => x(series.steps[index]).toFixed(1) + " " + y(series.values[index] + series.spread[index]).toFixed(1));
        const lower = stretch.map((index) => x(series.steps[index]).toFixed(1) + " " + y(series.values[index] - series.spread[index]).toFixed(1)).reverse();
        d += "M" + upper.join("L") + "L" + lower.join("L") + "Z";
      }
      stretch = [];
    };
    series.steps.forEach((_step, index) => {
      if (spreadAt(series, index) === null) close();
      else stretch.push(index);
    });
    close();
    return d;
  }

  function hoverLine(series, index) {
    let text = series.name + ": " + formatValue(series.values[index]);
    const spread = spreadAt(series, index);
    if (spread !== null) text += " ± " + formatValue(spread);
    if (series.counts && series.counts[index] !== undefined) text += " (" + series.counts[index] + (series.counts[index] === 1 ? " run)" : " runs)");
    return text;
  }

  function drawChart(chart) {
    const figure = element("figure", { class: "chart-card", id: chart.id });
    figure.appendChild(element("figcaption", {}, chart.title));
    const range = extent(chart);
    const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
    const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
    const x = (step) => MARGIN.left + ((step - range.minStep) / (range.maxStep - range.minStep)) * plotWidth;
    const y = (value) => MARGIN.top + (1 - (value - range.minValue) / (range.maxValue - range.minValue)) * plotHeight;

    const svg = svgElement("svg", { class: "chart", viewBox: "0 0 " + WIDTH + " " + HEIGHT, role: "img", "aria-label": chart.title });
    const grid = svgElement("g", { class: "grid" });
    for (const value of ticks(range.minValue, range.maxValue, 5)) {
      grid.appendChild(svgElement("line", { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(value), y2: y(value) }));
      const label = svgElement("text", { x: MARGIN.left - 6, y: y(value) + 4, "text-anchor": "end" });
      label.textContent = formatValue(value);
      grid.appendChild(label);
    }
    for (const step of ticks(range.minStep, range.maxStep, 6)) {
      grid.appendChild(svgElement("line", { x1: x(step), x2: x(step), y1: MARGIN.top, y2: HEIGHT - MARGIN.bottom, class: "vertical" }));
      const label = svgElement("text", { x: x(step), y: HEIGHT - MARGIN.bottom + 16, "text-anchor": "middle" });
      label.textContent = formatValue(step);
      grid.appendChild(label);
    }
    svg.appendChild(grid);
    svg.appendChild(svgElement("rect", { class: "frame", x: MARGIN.left, y: MARGIN.top, width: plotWidth, height: plotHeight }));
    const xLabel = svgElement("text", { x: MARGIN.left + plotWidth / 2, y: HEIGHT - 6, "text-anchor": "middle", class: "axis-label" });
    xLabel.textContent = "step";
    svg.appendChild(xLabel);
    const yLabel = svgElement("text", { x: 14, y: MARGIN.top + plotHeight / 2, "text-anchor": "middle", class: "axis-label", transform: "rotate(-90 14 " + (MARGIN.top + plotHeight / 2) + ")" });
    yLabel.textContent = chart.yLabel;
    svg.appendChild(yLabel);

    // Bands first, so that every line stays on top of every band.
    chart.series.forEach((series, index) => {
      const d = series.spread ? bandData(series, x, y) : "";
      if (d !== "") svg.appendChild(svgElement("path", { class: "band", d: d, fill: colorOf(index, series), "fill-opacity": 0.16, stroke: "none", "data-series": series.name }));
    });
    chart.series.forEach((series, index) => {
      const color = colorOf(index, series);
      const d = pathData(series, x, y);
      if (d !== "") {
        svg.appendChild(svgElement("path", { class: "series", d: d, stroke: color, "stroke-width": series.emphasis ? 2.5 : 1.6, "stroke-dasharray": series.emphasis ? "6 4" : "none", fill: "none", "data-series": series.name }));
      }
      // Isolated points (e.g. a single evaluation) would be invisible as a path: mark every point of short series.
      if (series.steps.length <= 60) {
        series.steps.forEach((step, pointIndex) => {
          const value = series.values[pointIndex];
          if (value !== null) svg.appendChild(svgElement("circle", { class: "point", cx: x(step), cy: y(value), r: 2.5, fill: color }));
        });
      }
    });

    // Hover: a vertical cursor at the nearest step and the values of every series there.
    const cursor = svgElement("line", { class: "cursor", y1: MARGIN.top, y2: HEIGHT - MARGIN.bottom, visibility: "hidden" });
    svg.appendChild(cursor);
    const tooltip = element("div", { class: "tooltip", hidden: "" });
    svg.addEventListener("mousemove", (event) => {
      const box = svg.getBoundingClientRect();
      const svgX = ((event.clientX - box.left) / box.width) * WIDTH;
      const step = range.minStep + ((svgX - MARGIN.left) / plotWidth) * (range.maxStep - range.minStep);
      let nearest = null;
      for (const series of chart.series) {
        for (const candidate of series.steps) {
          if (nearest === null || Math.abs(candidate - step) < Math.abs(nearest - step)) nearest = candidate;
        }
      }
      if (nearest === null) return;
      cursor.setAttribute("x1", x(nearest));
      cursor.setAttribute("x2", x(nearest));
      cursor.setAttribute("visibility", "visible");
      const lines = ["step " + nearest];
      for (const series of chart.series) {
        const index = series.steps.indexOf(nearest);
        if (index >= 0) lines.push(hoverLine(series, index));
      }
      tooltip.textContent = lines.join("\n");
      tooltip.hidden = false;
    });
    svg.addEventListener("mouseleave", () => {
      cursor.setAttribute("visibility", "hidden");
      tooltip.hidden = true;
    });

    figure.appendChild(svg);
    if (chart.series.length > 1 || chart.legend) {
      const legend = element("ul", { class: "legend" });
      chart.series.forEach((series, index) => {
        const item = element("li");
        item.appendChild(element("span", { class: "swatch" + (series.emphasis ? " emphasis" : ""), style: "background:" + colorOf(index, series) }));
        item.appendChild(document.createTextNode(series.name));
        legend.appendChild(item);
      });
      figure.appendChild(legend);
    }
    figure.appendChild(tooltip);
    return figure;
  }

  // A titled section appended to `container`, with an optional note under the title.
  function section(container, title, note) {
    const block = element("section");
    block.appendChild(element("h2", {}, title));
    if (note) block.appendChild(element("p", { class: "note" }, note));
    container.appendChild(block);
    return block;
  }

  // The JSON a page embeds in <script type="application/json" id="...">.
  function pageData(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  window.mtrlCharts = { element, formatValue, drawChart, section, pageData };
})();
