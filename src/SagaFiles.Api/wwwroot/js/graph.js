// The state machine as GET /state-machine describes it, laid out in layers and drawn as inline SVG.
const svgNs = "http://www.w3.org/2000/svg";
const rowHeight = 64, gap = 16, boxHeight = 28;

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/**
 * Layers by distance from the initial state (breadth first, so the way a file usually goes reads top to bottom); within a
 * layer, nodes follow the mean position of their parents (two sweeps) to keep edges short.
 */
export function layout(graph) {
  const byId = new Map(graph.nodes.map(n => [n.id, { ...n, layer: -1, x: 0, width: 0 }]));
  const out = new Map(graph.nodes.map(n => [n.id, []])), into = new Map(graph.nodes.map(n => [n.id, []]));
  for (const e of graph.edges) { out.get(e.from).push(e.to); into.get(e.to).push(e.from); }

  const start = byId.has("state:Initial") ? ["state:Initial"] : graph.nodes.filter(n => into.get(n.id).length === 0).map(n => n.id);
  const queue = [...start];
  for (const id of start) byId.get(id).layer = 0;
  while (queue.length) {
    const id = queue.shift();
    for (const next of out.get(id))
      if (byId.get(next).layer < 0) { byId.get(next).layer = byId.get(id).layer + 1; queue.push(next); }
  }
  const deepest = Math.max(0, ...[...byId.values()].map(n => n.layer));
  for (const node of byId.values()) if (node.layer < 0) node.layer = deepest + 1;

  const layers = [];
  for (const node of byId.values()) (layers[node.layer] ??= []).push(node);
  for (const node of byId.values()) node.width = node.name.length * (node.kind === "state" ? 8 : 6.5) + 20;
  const place = row => { let x = 0; for (const node of row) { node.x = x + node.width / 2; x += node.width + gap; } return x - gap; };
  for (const row of layers) place(row.sort((a, b) => a.name.localeCompare(b.name)));
  for (let sweep = 0; sweep < 2; sweep++)
    for (const row of layers.slice(1)) {
      const centre = node => {
        const parents = into.get(node.id).map(id => byId.get(id)).filter(p => p.layer < node.layer);
        return parents.length ? parents.reduce((sum, p) => sum + p.x, 0) / parents.length : node.x;
      };
      row.sort((a, b) => centre(a) - centre(b));
      place(row);
    }
  const width = Math.max(...layers.map(row => row.reduce((sum, n) => sum + n.width + gap, -gap)));
  for (const row of layers) {
    const shift = (width - row.reduce((sum, n) => sum + n.width + gap, -gap)) / 2;
    for (const node of row) node.x += shift;
  }
  return { nodes: byId, width, height: layers.length * rowHeight };
}

/** The graph as an SVG image; the node of <current> (a state's name) is marked, and named in the image's description. */
export function drawGraph(graph, current) {
  const { nodes, width, height } = layout(graph);
  const margin = 24;
  const y = node => node.layer * rowHeight + margin + boxHeight / 2;
  const image = svg("svg", { viewBox: `${-margin} 0 ${width + 2 * margin} ${height + margin}`, role: "img", "aria-labelledby": "graph-title graph-desc" },
    svg("title", { id: "graph-title" }, "The file saga's state machine"),
    svg("desc", { id: "graph-desc" }, current ? `The file is in state ${current}.` : "States and the events between them."),
    svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" },
      svg("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#8c959f" }))));

  for (const e of graph.edges) {
    const from = nodes.get(e.from), to = nodes.get(e.to);
    const [x1, y1] = [from.x, y(from) + boxHeight / 2];
    const [x2, y2] = [to.x, y(to) - boxHeight / 2];
    // An edge back up (a retry, a timeout) bends out to the side instead of crossing the layers straight.
    const d = to.layer > from.layer
      ? `M ${x1} ${y1} C ${x1} ${y1 + 24}, ${x2} ${y2 - 24}, ${x2} ${y2}`
      : `M ${from.x + from.width / 2} ${y(from)} C ${from.x + from.width / 2 + 60} ${y(from)}, ${to.x + to.width / 2 + 60} ${y(to)}, ${to.x + to.width / 2} ${y(to)}`;
    image.append(svg("path", { d, "marker-end": "url(#arrow)" }));
  }

  for (const node of nodes.values()) {
    const isCurrent = node.kind === "state" && node.name === current;
    const group = svg("g", { class: `${node.kind}${isCurrent ? " current" : ""}`, "data-node": node.id },
      svg("rect", { x: node.x - node.width / 2, y: y(node) - boxHeight / 2, width: node.width, height: boxHeight, rx: node.kind === "state" ? 6 : 14 }),
      svg("text", { x: node.x, y: y(node) + 4, "text-anchor": "middle" }, node.name));
    if (isCurrent) group.setAttribute("aria-current", "step");
    image.append(group);
  }
  return image;
}
