// Everything the dashboard asks of the API, with the signed-in key (kept in sessionStorage: gone with the tab).
const keyName = "sagafiles.key";

export const session = {
  get key() { return sessionStorage.getItem(keyName); },
  signIn(key) { sessionStorage.setItem(keyName, key); },
  signOut() { sessionStorage.removeItem(keyName); }
};

/** A refusal of the API, with its problem details' text. */
export class ApiError extends Error {
  constructor(status, problem) {
    const errors = problem?.errors ? Object.values(problem.errors).flat().join(" ") : "";
    super(problem?.detail || errors || problem?.title || `The API answered ${status}.`);
    this.status = status;
  }
}

function headers(extra = {}) {
  return { Authorization: `Bearer ${session.key}`, ...extra };
}

/** A JSON call: the answer's body, or an ApiError. */
export async function api(path, { method = "GET", json, signal } = {}) {
  const init = { method, headers: headers(json === undefined ? {} : { "Content-Type": "application/json" }), signal };
  if (json !== undefined) init.body = JSON.stringify(json);
  const response = await fetch(path, init);
  const body = (response.headers.get("content-type") || "").includes("json") ? await response.json() : null;
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

/**
 * Server-Sent Events read with fetch (EventSource cannot send the key): yields {id, event, data} until the stream ends;
 * with <lastEventId>, the stream resumes after it.
 */
export async function* serverEvents(path, signal, lastEventId = null) {
  const extra = { Accept: "text/event-stream", ...(lastEventId === null ? {} : { "Last-Event-ID": lastEventId }) };
  const response = await fetch(path, { headers: headers(extra), signal });
  if (!response.ok) throw new ApiError(response.status, null);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "", next = {};
  while (true) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      if (line === "") {
        if (next.data !== undefined) yield { id: next.id ?? null, event: next.event ?? "message", data: JSON.parse(next.data) };
        next = {};
      } else if (!line.startsWith(":")) {
        const colon = line.indexOf(":");
        next[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, "");
      }
    }
  }
}

/** The WebSocket of /ws: a browser cannot set headers on it, so the key travels as a subprotocol beside "sagafiles". */
export function progressSocket(query) {
  const url = new URL(`/ws?${query}`, location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return new WebSocket(url, ["sagafiles", `bearer.${session.key}`]);
}

/** One request with upload progress (fetch has none): resolves with the parsed answer, rejects with an ApiError. */
function send(method, path, body, contentType, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    for (const [name, value] of Object.entries(headers(contentType ? { "Content-Type": contentType } : {})))
      xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = e => onProgress(e.loaded);
    xhr.onload = () => {
      const json = (xhr.getResponseHeader("content-type") || "").includes("json") ? JSON.parse(xhr.responseText) : null;
      if (xhr.status >= 200 && xhr.status < 300) resolve(json);
      else reject(new ApiError(xhr.status, json));
    };
    xhr.onerror = () => reject(new ApiError(0, { detail: "The connection failed." }));
    xhr.send(body);
  });
}

/**
 * The server's upload settings (GET /uploads/limits), read once per page load. A file of a part or more goes through the
 * resumable route (POST /uploads, a PUT per part), so a broken connection costs at most a part; so does one over the
 * plain POST's limit (Storage:MaxUploadBytes).
 */
let limits = null;
export async function resumableFrom() {
  limits ??= api("/uploads/limits").catch(error => { limits = null; throw error; });
  const { partSize, maxUploadBytes } = await limits;
  return Math.min(partSize, maxUploadBytes + 1);
}

/** Uploads a file (tags: "k=v,k=v"), reporting the bytes sent; resolves with the new file's id. */
export async function uploadFile(file, tags, onProgress) {
  if (file.size < await resumableFrom()) {
    const form = new FormData();
    form.append("file", file, file.name);
    if (tags) form.append("tags", tags);
    return (await send("POST", "/files", form, null, onProgress)).id;
  }

  const tagMap = Object.fromEntries((tags || "").split(",").filter(Boolean).map(t => t.split("=", 2)));
  const upload = await api("/uploads", { method: "POST", json: { name: file.name, size: file.size, contentType: file.type || null, tags: tagMap } });
  for (let n = 1; n <= upload.partCount; n++) {
    const start = (n - 1) * upload.partSize;
    const part = file.slice(start, Math.min(file.size, start + upload.partSize));
    await send("PUT", `/uploads/${upload.id}/parts/${n}`, part, "application/octet-stream", loaded => onProgress(start + loaded));
  }
  return (await api(`/uploads/${upload.id}/complete`, { method: "POST", json: {} })).id;
}
