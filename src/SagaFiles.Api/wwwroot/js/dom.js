// Building the pages with DOM calls, never HTML strings: file names and reasons are user input.

/** h("a", {href: "#"}, "text", child...): attributes (on* as listeners), then children (strings become text). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  element.append(...children.flat().filter(c => c !== null && c !== undefined && c !== false));
  return element;
}

/**
 * A table in a scrolling wrapper (narrow screens), with a caption for screen readers. The wrapper is a named region in
 * the tab order, so a keyboard can scroll it too.
 */
export function table(caption, columns, rows) {
  return h("div", { class: "table-wrap", role: "region", "aria-label": caption, tabindex: "0" },
    h("table", {},
      h("caption", { class: "skip" }, caption),
      h("thead", {}, h("tr", {}, columns.map(c => h("th", { scope: "col", class: c.num ? "num" : null }, c.title)))),
      h("tbody", {}, rows.map(row => h("tr", {}, columns.map(c => h("td", { class: c.num ? "num" : null }, c.cell(row))))))));
}

export function badge(status) {
  return h("span", { class: `badge ${status}` }, status);
}

export const time = value => value ? new Date(value).toLocaleString() : "";

export function bytes(n) {
  if (n === null || n === undefined) return "";
  const units = ["B", "KiB", "MiB", "GiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

/** Tells the user (and a screen reader) what just happened. */
export function say(text, isError = false) {
  const status = document.getElementById("status");
  status.textContent = text;
  status.classList.toggle("error", isError);
}

/**
 * A running step's progress (an event: progress of the streams) as a bar with its words beside it: the entries of an
 * archive that lists them (its percentage is of those), else the bytes and any rows or entries counted so far. The bar
 * is indeterminate while no total is known.
 */
export function stepProgress(p, name) {
  const count = n => n.toLocaleString("en");
  const known = v => v !== null && v !== undefined;
  const done = known(p.entriesTotal)
    ? `${count(p.entriesDone)} of ${count(p.entriesTotal)} entries`
    : [known(p.bytesTotal) ? `${bytes(p.bytesDone)} of ${bytes(p.bytesTotal)}` : bytes(p.bytesDone),
       known(p.entriesDone) ? `${count(p.entriesDone)} entries` : null,
       known(p.rowsDone) ? `${count(p.rowsDone)} rows` : null].filter(known).join(", ");
  const words = known(p.percent) ? `${p.step}: ${p.percent}% (${done})` : `${p.step}: ${done}`;
  return h("span", { class: "step-progress" },
    h("progress", { max: 100, value: p.percent ?? null, "aria-label": `${p.step} of ${name}` }), " ", h("small", {}, words));
}
