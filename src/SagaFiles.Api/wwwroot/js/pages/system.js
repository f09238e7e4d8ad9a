import { api } from "../api.js";
import { h, table, time, say } from "../dom.js";

const svgNs = "http://www.w3.org/2000/svg";
const windows = [[15, "15 minutes"], [60, "1 hour"], [1440, "24 hours"], [10080, "7 days"]];

/** Throughput, success rate, step latency percentiles and queue depths (GET /stats), read again every 10 s. */
export async function systemPage(main, signal) {
  const choice = h("select", { id: "window" }, windows.map(([minutes, label]) => h("option", { value: minutes, selected: minutes === 60 }, label)));
  const figures = h("div", {});
  main.append(h("h1", {}, "System"), h("div", {}, h("label", { for: "window" }, "Window"), choice), figures);

  async function load() {
    const s = await api(`/stats?minutes=${choice.value}`, { signal });
    const card = (label, value) => h("div", { class: "card" }, label, h("strong", {}, value));
    const ms = n => `${Math.round(n)} ms`;
    figures.replaceChildren(
      h("div", { class: "cards" },
        card("Files per minute", s.filesPerMinute.toFixed(2)), card("Completed", s.completed), card("Failed", s.failed),
        card("Success rate", s.successRate === null ? "–" : `${(s.successRate * 100).toFixed(1)} %`)),
      h("h2", {}, "Finished per minute"), bars(s.perMinute),
      h("h2", {}, "Step latency"), s.steps.length ? table("Step latency", [
        { title: "Step", cell: x => x.step }, { title: "Runs", num: true, cell: x => x.runs },
        { title: "p50", num: true, cell: x => ms(x.p50Ms) }, { title: "p95", num: true, cell: x => ms(x.p95Ms) }, { title: "p99", num: true, cell: x => ms(x.p99Ms) }
      ], s.steps) : h("p", {}, "No step finished in this window."),
      h("h2", {}, "Queues"), table("Queues", [
        { title: "Queue", cell: q => q.queue }, { title: "Kind", cell: q => q.kind }, { title: "Waiting", num: true, cell: q => q.waiting },
        { title: "In flight", num: true, cell: q => q.inFlight }, { title: "Delayed", num: true, cell: q => q.delayed }
      ], s.queues),
      h("p", {}, `Since ${time(s.since)}; read ${new Date().toLocaleTimeString()}.`));
  }

  const report = error => { if (error.name !== "AbortError") say(error.message, true); };
  choice.addEventListener("change", () => load().catch(report));
  const timer = setInterval(() => load().catch(report), 10000);
  signal.addEventListener("abort", () => clearInterval(timer));
  await load();
}

/** Completed (and failed, stacked) files per minute as bars; the numbers are in each bar's title. */
function bars(minutes) {
  if (minutes.length === 0) return h("p", {}, "No file finished in this window.");
  const most = Math.max(...minutes.map(m => m.completed + m.failed));
  const width = Math.max(300, minutes.length * 8);
  const chart = document.createElementNS(svgNs, "svg");
  chart.setAttribute("viewBox", `0 0 ${width} 100`);
  chart.setAttribute("class", "bars");
  chart.setAttribute("role", "img");
  chart.setAttribute("aria-label", `Files finished per minute, at most ${most}`);
  minutes.forEach((m, i) => {
    const bar = (value, below, failed) => {
      const rect = document.createElementNS(svgNs, "rect");
      const height = value / most * 95;
      Object.entries({ x: i * 8, y: 100 - below - height, width: 6, height }).forEach(([k, v]) => rect.setAttribute(k, v));
      if (failed) rect.setAttribute("class", "failed");
      const title = document.createElementNS(svgNs, "title");
      title.textContent = `${time(m.at)}: ${m.completed} completed, ${m.failed} failed`;
      rect.append(title);
      chart.append(rect);
    };
    bar(m.completed, 0, false);
    bar(m.failed, m.completed / most * 95, true);
  });
  return chart;
}
