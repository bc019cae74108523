// Draws report.html from the JSON embedded in the page (#report-data), with the charts of chart.js
// (inlined before this script). Plain browser JavaScript with no dependencies and no network.
"use strict";
(function () {
  const { element, formatValue, drawChart, section: appendSection, pageData } = window.mtrlCharts;
  const data = pageData("report-data");
  const main = document.getElementById("report");
  const section = (title, note) => appendSection(main, title, note);

  function summaryTable(summary) {
    const table = element("table", { class: "summary" });
    const head = element("tr");
    for (const name of ["task", "return", "success"]) head.appendChild(element("th", {}, name));
    table.appendChild(head);
    const rows = summary.tasks.map((task) => [task.task, task.meanReturn, task.successRate === undefined ? null : task.successRate]);
    rows.push(["mean over tasks", summary.meanReturn, summary.meanSuccess]);
    for (const [name, value, success] of rows) {
      const row = element("tr");
      row.appendChild(element("td", {}, name));
      row.appendChild(element("td", { class: "number" }, formatValue(Number.isFinite(value) ? value : null)));
      row.appendChild(element("td", { class: "number" }, formatValue(success)));
      table.appendChild(row);
    }
    return table;
  }

  document.title = "mtrl report: " + data.runName;
  document.getElementById("run-name").textContent = data.runName;
  document.getElementById("run-facts").textContent =
    "last step " + data.lastStep + " · " + data.evalRows + " evaluations · " + data.trainRows + " training rows";

  const finalBlock = section("Final evaluation", data.finalEval ? "Step " + data.finalEval.step + ", deterministic policy." : "No evaluation yet.");
  if (data.finalEval) finalBlock.appendChild(summaryTable(data.finalEval));

  const successBlock = section("Success rate", data.success ? null : "This environment reports no success flag.");
  if (data.success) successBlock.appendChild(drawChart(data.success));

  const returnBlock = section("Evaluation return", data.returns ? null : "No evaluation yet.");
  if (data.returns) returnBlock.appendChild(drawChart(data.returns));

  // Runs with env.split (HiP-BMDP): the trained tasks beside each held-out group.
  if (data.splitReturns) section("Evaluation return per split", "Training tasks and held-out variants (never trained on).").appendChild(drawChart(data.splitReturns));

  const lossBlock = section("Training", data.losses.length > 0 ? null : "No training rows yet.");
  const lossGrid = element("div", { class: "grid-charts" });
  for (const chart of data.losses) lossGrid.appendChild(drawChart(chart));
  lossBlock.appendChild(lossGrid);

  const configBlock = section("Resolved config", "config.yaml of the run.");
  configBlock.appendChild(element("pre", { class: "config" }, data.configText));

  document.body.setAttribute("data-rendered", "true");
})();
