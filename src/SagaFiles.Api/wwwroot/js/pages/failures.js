import { api } from "../api.js";
import { h, time, say } from "../dom.js";

/** Failed files grouped by step and reason (GET /files/failures), each group retried in one request (POST /files/retry). */
export async function failuresPage(main, signal) {
  const groups = h("div", { id: "failure-groups" });
  main.append(h("h1", {}, "Failures"), groups);

  async function load() {
    const result = await api("/files/failures", { signal });
    groups.replaceChildren(h("p", {}, `${result.failed} failed files.`), ...result.groups.map((group, i) => {
      const heading = `failure-${i}`;
      const button = h("button", {
        type: "button", "aria-describedby": heading, onclick: async () => {
          button.disabled = true;
          try {
            const retried = await api("/files/retry", { method: "POST", json: group.retry });
            say(`Retried ${retried.retried} files (bulk retry ${retried.bulkId}).`);
            await load();
          } catch (error) {
            button.disabled = false;
            say(error.message, true);
          }
        }
      }, `Retry all ${group.files} in this group`);
      return h("section", { class: "group", "aria-labelledby": heading },
        h("h2", { id: heading }, `${group.step ?? "No step"}: ${group.files} ${group.files === 1 ? "file" : "files"}`),
        h("p", {}, group.reason ?? "No reason recorded."),
        h("p", {}, `Failed ${time(group.firstFailedAt)} – ${time(group.lastFailedAt)}`),
        button);
    }));
  }

  await load();
}
