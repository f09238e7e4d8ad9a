import { api } from "../api.js";
import { h, table, time, say } from "../dom.js";

/** Failed messages per step queue (GET /dead-letters), a peek at them, and redrive (admin). */
export async function deadLettersPage(main, signal) {
  const queues = h("div", { id: "queues" });
  const peek = h("section", { "aria-live": "polite" });
  main.append(h("h1", {}, "Dead letters"),
    h("p", {}, "Commands that faulted after their retries wait in a step's error queue; poison messages SQS set aside wait in its dead-letter queue. Redrive sends them back to the step."),
    queues, peek);

  const action = (label, run) => {
    const button = h("button", {
      type: "button", class: "secondary", onclick: async () => {
        button.disabled = true;
        try { await run(); } catch (error) { say(error.message, true); } finally { button.disabled = false; }
      }
    }, label);
    return button;
  };

  const show = async (queue, from) => {
    const result = await api(`/dead-letters/${queue}/messages?from=${from}&limit=20`, { signal });
    peek.replaceChildren(h("h2", {}, `${result.queue}: ${result.messages.length} messages`),
      ...result.messages.map(m => h("details", {},
        h("summary", {}, `${time(m.sentAt)} · ${m.faultMessage ?? "no fault recorded"}`),
        h("p", {}, `Message ${m.messageId}, received ${m.receiveCount} times${m.faultExceptionType ? `, ${m.faultExceptionType}` : ""}.`),
        h("pre", {}, JSON.stringify(m.headers, null, 2)), h("pre", {}, m.body))));
  };

  async function load() {
    const result = await api("/dead-letters", { signal });
    const count = (n, queue, from, label) => n === null ? "–" : [String(n), " ",
      n > 0 ? action(`Peek ${label} of ${queue}`, () => show(queue, from)) : "", " ",
      n > 0 ? action(`Redrive ${label} of ${queue}`, async () => {
        const moved = await api(`/dead-letters/${queue}/redrive?from=${from}`, { method: "POST" });
        say(`Moved ${moved.moved} messages back to ${queue}.`);
        await load();
      }) : ""];
    queues.replaceChildren(table("Step queues", [
      { title: "Queue", cell: q => q.queue },
      { title: "Waiting", num: true, cell: q => q.waiting ?? "–" },
      { title: "Error queue", cell: q => count(q.errors, q.queue, "error", "errors") },
      { title: "Dead-letter queue", cell: q => count(q.deadLetters, q.queue, "dlq", "dead letters") }
    ], result.queues), h("p", {}, action("Refresh counts", load)));
  }

  await load();
}
