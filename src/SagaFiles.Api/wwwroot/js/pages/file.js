import { api, progressSocket } from "../api.js";
import { h, table, badge, time, bytes, say, stepProgress } from "../dom.js";
import { drawGraph } from "../graph.js";

/** One file: its facts and outputs, its timeline and its place on the state machine, live over the WebSocket (/ws). */
export async function filePage(main, signal, id) {
  const [file, history, saga, graph] = await Promise.all([
    api(`/files/${id}`, { signal }), api(`/files/${id}/events`, { signal }), api(`/files/${id}/saga`, { signal }), api("/state-machine", { signal })]);

  const heading = h("h1", {});
  const facts = h("dl", { class: "facts" });
  const outputs = h("div", {});
  const timeline = h("ol", { class: "timeline", "aria-label": "Timeline" });
  const picture = h("div", { class: "graph" });
  // The running step's last report, live; empty between steps.
  const running = h("p", { id: "step-progress", "aria-live": "polite" });
  main.append(heading, facts, running, h("h2", {}, "Outputs"), outputs, h("h2", {}, "Timeline"), timeline, h("h2", {}, "State machine"), picture);

  const showFile = f => {
    heading.replaceChildren(f.originalName, " ", badge(f.status));
    const fact = (name, value) => value === null || value === undefined || value === "" ? [] : [h("dt", {}, name), h("dd", {}, value)];
    facts.replaceChildren(...fact("Status", f.status), ...fact("Step", f.currentStep), ...fact("Attempt", f.attempt || null),
      ...fact("Type", [f.detectedType, f.category].filter(Boolean).join(" / ")), ...fact("Size", bytes(f.size)),
      ...fact("Tags", Object.entries(f.tags).map(([k, v]) => `${k}=${v}`).join(", ")), ...fact("Processor", f.processor),
      ...fact("SHA-256", f.sha256), ...fact("Error", f.errorMessage), ...fact("Archive", f.archive?.children ? `${f.archive.children} entries` : null),
      ...fact("Uploaded", time(f.createdAt)), ...fact("Processed", time(f.processedAt)));
    const download = (what, name) => h("button", {
      type: "button", class: "secondary", onclick: async () => {
        try {
          const link = await api(`/files/${id}/download?what=${what}&link=true${name ? `&name=${encodeURIComponent(name)}` : ""}`);
          window.open(link.url, "_blank", "noopener");
        } catch (error) { say(error.message, true); }
      }
    }, what === "original" ? "Download original" : `Download ${name}`);
    outputs.replaceChildren(
      f.outputs.length ? table("Outputs", [
        { title: "Name", cell: o => o.name }, { title: "Format", cell: o => o.format }, { title: "Rows", num: true, cell: o => o.rows ?? "" },
        { title: "Size", num: true, cell: o => bytes(o.size) }, { title: "Download", cell: o => f.status === "Completed" ? download("result", o.name) : "" }
      ], f.outputs) : h("p", {}, f.outputCount ? `${f.outputCount} results.` : "No results yet."),
      h("p", {}, download("original")));
  };

  let current = saga.currentState;
  const showGraph = () => picture.replaceChildren(drawGraph(graph, current));
  const addEvent = e => timeline.append(h("li", {}, h("time", { datetime: e.at }, time(e.at)), " ", h("strong", {}, `${e.from} → ${e.to}`),
    e.step ? ` · ${e.step}` : "", e.attempt ? ` · attempt ${e.attempt}` : "", e.workerHost ? ` · ${e.workerHost}` : "",
    e.durationMs !== null && e.durationMs !== undefined ? ` · ${Math.round(e.durationMs)} ms` : "",
    e.error ? h("div", { class: "error" }, e.error) : "", e.note ? h("div", {}, e.note) : ""));

  showFile(file);
  history.events.forEach(addEvent);
  showGraph();

  const query = new URLSearchParams({ file_id: id });
  if (history.events.length) query.set("last_event_id", history.events.length - 1);
  const socket = progressSocket(query);
  socket.onmessage = message => {
    const e = JSON.parse(message.data);
    if (e.event === "progress") {
      running.replaceChildren(stepProgress(e.data, file.originalName));
    } else if (e.event === "transition") {
      running.replaceChildren();
      addEvent(e.data);
      current = e.data.to;
      showGraph();
    } else if (e.event === "outcome") {
      running.replaceChildren();
      showFile(e.data);
      say(`${e.data.originalName} is ${e.data.status}.`);
    }
  };
  // Closed before it opened, a socket logs an error: wait for it to open, then close.
  signal.addEventListener("abort", () => socket.readyState === WebSocket.CONNECTING ? socket.onopen = () => socket.close() : socket.close());
}
