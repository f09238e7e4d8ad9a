// The dashboard: a hash router over plain ES modules (no build step; docs/adr/0009).
import { api, session, ApiError } from "./api.js";
import { h, say } from "./dom.js";
import { filesPage } from "./pages/files.js";
import { filePage } from "./pages/file.js";
import { uploadPage } from "./pages/upload.js";
import { failuresPage } from "./pages/failures.js";
import { deadLettersPage } from "./pages/dead-letters.js";
import { systemPage } from "./pages/system.js";

const routes = [
  [/^#\/files$/, filesPage, "Files"],
  [/^#\/files\/([0-9a-f-]{36})$/, filePage, "File"],
  [/^#\/upload$/, uploadPage, "Upload"],
  [/^#\/failures$/, failuresPage, "Failures"],
  [/^#\/dead-letters$/, deadLettersPage, "Dead letters"],
  [/^#\/system$/, systemPage, "System"]
];

let leaving = null;

function signInPage(main) {
  const input = h("input", { id: "key", type: "password", autocomplete: "off", required: true, spellcheck: "false" });
  const form = h("form", {
    onsubmit: async e => {
      e.preventDefault();
      session.signIn(input.value.trim());
      try {
        await api("/files?limit=1");
        // The page asked for (a link to a file, say), or the list.
        await route(true);
      } catch (error) {
        session.signOut();
        say(error instanceof ApiError && error.status === 401 ? "The API refused this key." : error.message, true);
      }
    }
  }, h("label", { for: "key" }, "API key"), input, " ", h("button", { type: "submit" }, "Sign in"));
  main.append(h("h1", {}, "Sign in"), h("p", {}, "With an API key (",
    h("code", {}, ".stack/api-key"), " on the local stack). It stays in this tab only."), form);
  input.focus();
}

/** Shows the page of the location; <moveFocus> (after a link, not on load) puts the keyboard at the new page's start. */
async function route(moveFocus = false) {
  leaving?.abort();
  leaving = new AbortController();
  const main = document.getElementById("main");
  main.replaceChildren();
  say("");
  const nav = document.getElementById("nav");
  nav.hidden = !session.key;
  if (!session.key) {
    document.title = "Sign in · SagaFiles";
    signInPage(main);
    return;
  }

  const hash = routes.some(([pattern]) => pattern.test(location.hash)) ? location.hash : "#/files";
  if (hash !== location.hash) {
    location.replace(hash);
    return;
  }
  const [pattern, page, title] = routes.find(([p]) => p.test(hash));
  const section = title === "File" ? "#/files" : hash;
  for (const link of nav.querySelectorAll("a"))
    if (link.getAttribute("href") === section) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  document.title = `${title} · SagaFiles`;
  if (moveFocus) main.focus({ preventScroll: true });
  try {
    await page(main, leaving.signal, ...hash.match(pattern).slice(1));
  } catch (error) {
    if (error.name !== "AbortError") say(error.message, true);
  }
}

document.getElementById("sign-out").addEventListener("click", () => {
  session.signOut();
  location.hash = "#/sign-in";
});
window.addEventListener("hashchange", () => route(true));
route();
