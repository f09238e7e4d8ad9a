import { api, serverEvents } from "../api.js";
import { h, table, badge, time, bytes, say, stepProgress } from "../dom.js";

const statuses = ["", "Pending", "Processing", "Completed", "Failed"];
const limit = 50;

/** The tenant's files with filters, kept current by the tenant-wide event stream (GET /files/progress). */
export async function filesPage(main, signal) {
  const field = (id, label, input) => h("div", {}, h("label", { for: id }, label), input);
  const status = h("select", { id: "f-status", name: "status" }, statuses.map(s => h("option", { value: s }, s || "Any")));
  const type = h("input", { id: "f-type", name: "type", placeholder: "csv, tabular, zip…" });
  const tag = h("input", { id: "f-tag", name: "tag", placeholder: "team=data" });
  const from = h("input", { id: "f-from", name: "from", type: "datetime-local" });
  const to = h("input", { id: "f-to", name: "to", type: "datetime-local" });
  const list = h("div", { id: "file-list" });
  const pager = h("p", {});
  let page = 1;

  const query = () => {
    const q = new URLSearchParams({ page, limit });
    if (status.value) q.set("status", status.value);
    if (type.value.trim()) q.set("type", type.value.trim());
    if (tag.value.trim()) q.set("tag", tag.value.trim());
    if (from.value) q.set("from", new Date(from.value).toISOString());
    if (to.value) q.set("to", new Date(to.value).toISOString());
    return q;
  };

  // The last report of each file's running step (event: progress), shown under its step until the file moves on.
  const progress = new Map();
  const names = new Map();
  const stepCell = f => {
    names.set(f.id, f.originalName);
    const p = progress.get(f.id);
    return p && p.step === f.currentStep ? stepProgress(p, f.originalName) : f.currentStep ?? "";
  };
  const progressed = p => {
    progress.set(p.fileId, p);
    const cell = list.querySelector(`[data-step-of="${p.fileId}"]`);
    if (cell) cell.replaceChildren(stepProgress(p, names.get(p.fileId) ?? ""));
  };

  async function load() {
    const result = await api(`/files?${query()}`, { signal });
    list.replaceChildren(result.items.length === 0 ? h("p", {}, "No files match.") : table("Files", [
      { title: "Name", cell: f => h("a", { href: `#/files/${f.id}` }, f.originalName) },
      { title: "Status", cell: f => badge(f.status) },
      { title: "Step", cell: f => h("span", { "data-step-of": f.id }, stepCell(f)) },
      { title: "Type", cell: f => f.detectedType ?? "" },
      { title: "Tags", cell: f => Object.entries(f.tags).map(([k, v]) => `${k}=${v}`).join(", ") },
      { title: "Size", num: true, cell: f => bytes(f.size) },
      { title: "Uploaded", cell: f => time(f.createdAt) }
    ], result.items));
    const pages = Math.max(1, Math.ceil(result.total / limit));
    pager.replaceChildren(`${result.total} files · page ${page} of ${pages} `,
      h("button", { type: "button", class: "secondary", disabled: page <= 1, onclick: () => { page--; load().catch(report); } }, "Newer"), " ",
      h("button", { type: "button", class: "secondary", disabled: page >= pages, onclick: () => { page++; load().catch(report); } }, "Older"));
  }

  const report = error => { if (error.name !== "AbortError") say(error.message, true); };
  // Many transitions arrive together (five per file): one list read for each burst.
  let pending = null;
  const reloadSoon = () => { pending ??= setTimeout(() => { pending = null; load().catch(report); }, 250); };
  signal.addEventListener("abort", () => clearTimeout(pending));

  main.append(h("h1", {}, "Files"),
    h("form", { class: "filters", onsubmit: e => { e.preventDefault(); page = 1; load().catch(report); } },
      field("f-status", "Status", status), field("f-type", "Type", type), field("f-tag", "Tag", tag),
      field("f-from", "Uploaded from", from), field("f-to", "Uploaded before", to),
      h("div", {}, h("button", { type: "submit" }, "Apply filters"))),
    list, pager);
  await load();
  follow(signal, reloadSoon, progressed).catch(report);
}

/**
 * Reads the tenant's stream for as long as the page is open; on a dropped stream, reconnects after the last event it had
 * (Last-Event-ID), so no change is missed, and reads the list again (as it does on a reset, when that was too long ago).
 */
async function follow(signal, changed, progressed) {
  let last = null;
  while (!signal.aborted) {
    try {
      for await (const e of serverEvents("/files/progress", signal, last)) {
        last = e.id ?? last;
        if (e.event === "progress") progressed(e.data);
        // A reset: events after the last one it had are no longer kept, so the list is read again; its id is where the stream goes on.
        else if (e.event === "transition" || e.event === "outcome" || e.event === "reset") changed();
      }
    } catch (error) {
      if (signal.aborted) return;
      say(`Live updates interrupted (${error.message}); reconnecting.`, true);
    }
    await new Promise(resolve => setTimeout(resolve, 2000));
    if (!signal.aborted) changed();
  }
}
