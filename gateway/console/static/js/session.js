// The signed-in session: the bearer token (sessionStorage) and its claims.
// The claims are read, not verified: the API verifies every call; they only shape the UI.

const KEY = "salesops.console.token";

function base64UrlDecode(text) {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

function strings(value) {
  return Array.isArray(value) ? value.filter((v) => typeof v === "string" && v.trim()).map((v) => v.trim()) : [];
}

// {subject, roles, regions, expiresAt (Date|null), token}; throws Error when it is no JWT.
export function decodeToken(raw) {
  const token = String(raw || "").trim().replace(/^Bearer\s+/i, "");
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1]) throw new Error("This is not a JWT (three dot-separated parts).");
  let claims;
  try {
    claims = JSON.parse(base64UrlDecode(parts[1]));
  } catch {
    throw new Error("The token's payload cannot be read.");
  }
  if (!claims || typeof claims !== "object") throw new Error("The token's payload cannot be read.");
  return {
    subject: typeof claims.sub === "string" ? claims.sub : "",
    roles: strings(claims.roles),
    regions: strings(claims.regions),
    expiresAt: typeof claims.exp === "number" ? new Date(claims.exp * 1000) : null,
    token,
  };
}

export function storedToken() {
  try {
    return sessionStorage.getItem(KEY) || "";
  } catch {
    return "";
  }
}

export function storeToken(token) {
  try {
    sessionStorage.setItem(KEY, token);
  } catch {
    /* storage disabled: the session lasts until reload */
  }
}

export function forgetToken() {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    /* nothing stored */
  }
}
