import { uploadFile, resumableFrom } from "../api.js";
import { h, bytes, say } from "../dom.js";

/** Drag and drop (or pick) files; each uploads with a progress bar, large ones through the resumable route. */
export async function uploadPage(main) {
  const input = h("input", { id: "files", type: "file", multiple: true });
  const tags = h("input", { id: "tags", placeholder: "team=data,source=crm" });
  const list = h("ul", { class: "uploads", "aria-label": "Uploads" });
  // The server's limits say which files go in parts; a key that may not upload is told so by the upload itself.
  const resumable = await resumableFrom().catch(() => Infinity);

  const start = files => {
    for (const file of files) {
      const bar = h("progress", { max: file.size || 1, value: 0, "aria-label": `Upload of ${file.name}` });
      const note = h("span", {}, `${bytes(file.size)}${file.size >= resumable ? " · resumable" : ""}`);
      list.append(h("li", {}, h("div", {}, file.name, " · ", note), bar));
      uploadFile(file, tags.value.trim(), sent => { bar.value = sent; })
        .then(id => {
          bar.value = bar.max;
          note.replaceChildren("uploaded · ", h("a", { href: `#/files/${id}` }, "follow it"));
          say(`${file.name} uploaded.`);
        })
        .catch(error => { note.replaceChildren(h("span", { class: "error" }, error.message)); say(`${file.name}: ${error.message}`, true); });
    }
  };

  const drop = h("label", {
    class: "drop", for: "files",
    ondragover: e => { e.preventDefault(); drop.classList.add("over"); },
    ondragleave: () => drop.classList.remove("over"),
    ondrop: e => { e.preventDefault(); drop.classList.remove("over"); start(e.dataTransfer.files); }
  }, "Drop files here, or choose them: ", input);
  input.addEventListener("change", () => { start(input.files); input.value = ""; });

  main.append(h("h1", {}, "Upload"),
    h("div", {}, h("label", { for: "tags" }, "Tags for these files (key=value, comma-separated)"), tags),
    h("p", {}, drop), list);
}
