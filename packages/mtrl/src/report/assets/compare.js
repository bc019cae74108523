// Draws compare.html from the JSON embedded in the page (#compare-data), with the charts of chart.js
// (inlined before this script): per group, the mean over its runs with a band of ± one sd.
"use strict";
(function () {
  const { element, formatValue, drawChart, section: appendSection, pageData } = window.mtrlCharts;
  const data = pageData("compare-data");
  const main = document.getElementById("compare");
  const section = (title, note) => appendSection(main, title, note);

  function spreadText(spread) {
    if (!spread || spread.mean === null) return "n/a";
    return formatValue(spread.mean) + (spread.sd === null ? "" : " ± " + formatValue(spread.sd));
  }

  function groupTable(groups) {
    const table = element("table", { class: "summary groups" });
    const head = element("tr");
    for (const name of ["group", "runs", "last step", "final return", "final success"]) head.appendChild(element("th", {}, name));
    table.appendChild(head);
    for (const group of groups) {
      const row = element("tr", { "data-group": group.label });
      row.appendChild(element("td", {}, group.label));
      row.appendChild(element("td", {}, group.runs.join(", ")));
      row.appendChild(element("td", { class: "number" }, [...new Set(group.lastSteps)].join(", ")));
      row.appendChild(element("td", { class: "number" }, spreadText(group.finalReturn)));
      row.appendChild(element("td", { class: "number" }, spreadText(group.finalSuccess)));
      table.appendChild(row);
    }
    return table;
  }

  function chartGrid(block, charts) {
    const grid = element("div", { class: "grid-charts" });
    for (const chart of charts) grid.appendChild(drawChart(chart));
    block.appendChild(grid);
  }

  const runCount = data.groups.reduce((sum, group) => sum + group.runs.length, 0);
  document.getElementById("compare-facts").textContent =
    runCount + (runCount === 1 ? " run" : " runs") + " in " + data.groups.length + (data.groups.length === 1 ? " group" : " groups") +
    " (grouped by " + data.groupBy + ") · " + data.tasks.length + (data.tasks.length === 1 ? " task" : " tasks") +
    (data.sharedOverrides.length > 0 ? " · every group: " + data.sharedOverrides.join(" ") : "");

  const groupBlock = section("Groups", "Final results: each run's mean over tasks at its last evaluation, then mean ± sd over the group's runs.");
  groupBlock.appendChild(groupTable(data.groups));

  const note = "Mean over the runs of each group; the band is ± one standard deviation (none where a single run has the step). Hover for the values and the number of runs.";
  const successBlock = section("Success rate", data.success.length > 0 ? note : "No run reports a success flag.");
  chartGrid(successBlock, data.success);
  const returnBlock = section("Evaluation return", note);
  chartGrid(returnBlock, data.returns);

  document.body.setAttribute("data-rendered", "true");
})();
