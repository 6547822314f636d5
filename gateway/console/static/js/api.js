// The salesops HTTP API client: bearer token, JSON in and out, problems as ApiError.

export class ApiError extends Error {
  // status: the HTTP status (0 when the API could not be reached);
  // problem: the application/problem+json body (or one made up for a non-problem answer).
  constructor(status, problem) {
    const p = problem || {};
    super(p.detail || p.title || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.problem = {
      type: p.type || "about:blank",
      title: p.title || (status ? `HTTP ${status}` : "The API could not be reached"),
      status: p.status || status,
      detail: p.detail || "",
      errors: Array.isArray(p.errors) ? p.errors : [],
      violations: Array.isArray(p.violations) ? p.violations : [],
      request_id: p.request_id || "",
    };
  }
}

// A fresh Idempotency-Key; crypto.randomUUID exists only in secure contexts.
export function newIdempotencyKey() {
  if (globalThis.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function withQuery(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) value.forEach((v) => params.append(key, String(v)));
    else params.append(key, String(value));
  }
  const text = params.toString();
  if (!text) return path;
  return path + (path.includes("?") ? "&" : "?") + text;
}

async function readBody(response) {
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  const text = await response.text();
  if (!text) return null;
  if (type.includes("json")) {
    try {
      return JSON.parse(text);
    } catch {
      return { title: "The API answered malformed JSON", detail: text.slice(0, 200) };
    }
  }
  return { title: `HTTP ${response.status}`, detail: text.slice(0, 200) };
}

// getToken(): the current bearer token; onUnauthorized(ApiError): called on any 401.
export function createApi({ getToken, onUnauthorized }) {
  async function send(method, path, { query, body, headers = {}, accept } = {}) {
    const all = { Accept: accept || "application/json", ...headers };
    const token = getToken();
    if (token) all.Authorization = `Bearer ${token}`;
    const init = { method, headers: all, cache: "no-store", credentials: "omit" };
    if (body !== undefined) {
      all["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(withQuery(path, query), init);
    } catch (err) {
      throw new ApiError(0, { title: "The API could not be reached", detail: String(err.message || err) });
    }
    if (!response.ok) {
      const problem = await readBody(response);
      const error = new ApiError(response.status, problem);
      if (response.status === 401 && onUnauthorized) onUnauthorized(error);
      throw error;
    }
    return response;
  }

  async function json(method, path, options) {
    const response = await send(method, path, options);
    return readBody(response);
  }

  return {
    get: (path, query) => json("GET", path, { query }),
    // The body and its ETag (for a later patch with ifMatch).
    async getWithEtag(path, query) {
      const response = await send("GET", path, { query });
      return { body: await readBody(response), etag: response.headers.get("etag") || "" };
    },
    post(path, body, { idempotencyKey } = {}) {
      const headers = {};
      if (path.startsWith("/v1/")) headers["Idempotency-Key"] = idempotencyKey || newIdempotencyKey();
      return json("POST", path, { body: body === undefined ? {} : body, headers });
    },
    patch(path, body, { ifMatch } = {}) {
      return json("PATCH", path, { body, headers: ifMatch ? { "If-Match": ifMatch } : {} });
    },
    put: (path, body) => json("PUT", path, { body }),
    del: (path) => json("DELETE", path),
    // Every item of a paged list: follows next_page_token (at most maxPages pages).
    async getAll(path, key, query = {}, { maxPages = 50 } = {}) {
      const items = [];
      let pageToken = "";
      for (let page = 0; page < maxPages; page += 1) {
        const body = await json("GET", path, { query: { ...query, page_token: pageToken || undefined } });
        items.push(...((body && body[key]) || []));
        pageToken = (body && body.next_page_token) || "";
        if (!pageToken) break;
      }
      return items;
    },
    // A download (HTML, CSV...) as a Blob with the file name the API suggests.
    async blob(path, query, { accept = "*/*", filename = "download" } = {}) {
      const response = await send("GET", path, { query, accept });
      const disposition = response.headers.get("content-disposition") || "";
      const match = /filename="?([^";]+)"?/i.exec(disposition);
      return { blob: await response.blob(), filename: match ? match[1] : filename };
    },
  };
}
