// The console's shell: sign-in, the session, the nav, and a hash router that renders pages.
//
// Routes look like #/dashboard?region=EMEA&period=FY2026-Q4. Each page module (js/pages/)
// renders into an empty <section>; while it renders <main> is aria-busy="true", and once it
// is done focus moves to the page's heading.

import pages from "./pages/index.js";
import { ApiError, createApi } from "./api.js";
import { decodeToken, forgetToken, storedToken, storeToken } from "./session.js";
import * as fmt from "./format.js";
import { createCharts } from "./charts.js";

const $ = (id) => document.getElementById(id);
const main = $("main");
const pageHost = $("page-host");
const signInSection = $("sign-in");
const signInError = $("sign-in-error");
const tokenInput = $("token-input");
const nav = $("site-nav");
const navList = $("nav-list");
const notices = $("notices");

let session = null; // {subject, roles, regions, token}
let renderCount = 0;
const charts = createCharts();

// --- small DOM helper ------------------------------------------------------------------------

// el("a", {href: "#/rep?id=1", class: "link", text: "Ana", onclick: fn}, child, "text", ...)
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key === "class") node.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : String(value);
    else if (key === "style" && typeof value === "object") Object.assign(node.style, value);
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2).toLowerCase(), value);
    else if (value === true) {
      node.setAttribute(key, "");
      if (key in node) node[key] = true;
    } else node.setAttribute(key, String(value));
  }
  appendChildren(node, children);
  return node;
}

function appendChildren(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// --- notices and problems --------------------------------------------------------------------

function notify(message, kind = "info") {
  const notice = el("div", {
    class: ["notice", kind === "error" ? "notice-error" : "notice-info"],
    role: kind === "error" ? "alert" : "status",
    "data-testid": "notice",
    text: message,
  });
  notices.append(notice);
  setTimeout(() => notice.remove(), kind === "error" ? 10000 : 6000);
}

// Renders an ApiError (or any error) into root: title, detail, field errors, rule violations.
function showProblem(root, error) {
  const problem = error instanceof ApiError ? error.problem : { title: "Something went wrong", detail: String(error && error.message ? error.message : error), errors: [], violations: [] };
  const box = el(
    "div",
    { class: "problem", role: "alert", "data-testid": "problem" },
    el("p", { class: "problem-title", "data-testid": "problem-title", text: problem.title }),
    problem.detail ? el("p", { class: "problem-detail", "data-testid": "problem-detail", text: problem.detail }) : null,
  );
  if (problem.errors && problem.errors.length) {
    box.append(
      el("ul", { class: "problem-errors", "aria-label": "Rejected fields" },
        problem.errors.map((e) => el("li", { "data-testid": "problem-error" }, el("code", { text: e.field || "(request)" }), `: ${e.description || ""}`))),
    );
  }
  if (problem.violations && problem.violations.length) {
    box.append(
      el("ul", { class: "problem-violations", "aria-label": "Unmet rules" },
        problem.violations.map((v) => el("li", { "data-testid": "problem-violation" }, el("strong", { text: v.type || "rule" }), v.subject ? ` (${v.subject})` : "", `: ${v.description || ""}`))),
    );
  }
  if (problem.request_id) box.append(el("p", { class: "problem-request muted", text: `Request id: ${problem.request_id}` }));
  root.append(box);
  return box;
}

// --- routing ---------------------------------------------------------------------------------

function parseHash() {
  const hash = location.hash.startsWith("#/") ? location.hash.slice(2) : "";
  const [route, query = ""] = hash.split("?");
  return { route: decodeURIComponent(route || ""), params: new URLSearchParams(query) };
}

function hrefFor(route, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== "") query.set(key, String(value));
  }
  const text = query.toString();
  return `#/${route}${text ? `?${text}` : ""}`;
}

function navigate(route, params) {
  const target = hrefFor(route, params);
  if (location.hash === target) render();
  else location.hash = target;
}

function can(...roles) {
  return Boolean(session) && roles.some((role) => session.roles.includes(role));
}

function visiblePages() {
  return pages.filter((page) => page && page.route && can(...(page.roles || [])));
}

function drawNav(current) {
  navList.replaceChildren(
    ...visiblePages().map((page) =>
      el("li", {}, el("a", {
        href: `#/${page.route}`,
        "data-testid": `nav-${page.route}`,
        "aria-current": page.route === current ? "page" : null,
        text: page.title,
      })),
    ),
  );
}

function makeContext(params) {
  return {
    params,
    session,
    can,
    defaultRegion: session.regions.find((r) => r !== "*") || "",
    api,
    fmt,
    charts,
    navigate,
    notify,
    showProblem,
    el,
    href: hrefFor,
  };
}

function focusHeading(root) {
  const heading = root.querySelector("h1, h2");
  const target = heading || main;
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus({ preventScroll: false });
}

async function render() {
  if (!session) return;
  const mine = ++renderCount;
  charts.destroyAll();
  main.setAttribute("aria-busy", "true");
  const { route, params } = parseHash();
  const visible = visiblePages();
  const page = pages.find((p) => p && p.route === route);
  if (!route || !page) {
    if (visible.length === 0) {
      drawNav("");
      pageHost.replaceChildren(el("section", { class: "page" },
        el("h1", { text: "Nothing to show" }),
        el("p", { text: `The roles of this token (${session.roles.join(", ") || "none"}) see no console page.` })));
      main.setAttribute("aria-busy", "false");
      return;
    }
    if (route) notify(`There is no page "${route}".`, "error");
    location.replace(hrefFor(visible[0].route));
    return; // the hashchange renders it
  }
  drawNav(route);
  document.title = `${page.title} · salesops console`;
  const root = el("section", { class: "page", "data-page": route, "data-testid": `page-${route}` });
  pageHost.replaceChildren(root);
  if (!visible.includes(page)) {
    root.append(
      el("h1", { text: page.title }),
      el("p", { class: "problem", role: "alert", "data-testid": "not-allowed", text: `The ${page.title} page is not available to your roles (${session.roles.join(", ")}).` }),
    );
  } else {
    try {
      await page.render(root, makeContext(params));
    } catch (error) {
      if (mine !== renderCount) return;
      if (error instanceof ApiError && error.status === 401) return; // back at sign-in
      if (!root.querySelector("h1")) root.prepend(el("h1", { text: page.title }));
      showProblem(root, error);
      if (!(error instanceof ApiError)) console.error(error); // a bug, not a refusal
    }
  }
  if (mine !== renderCount) return; // a newer navigation took over
  main.setAttribute("aria-busy", "false");
  focusHeading(root);
}

// --- session ---------------------------------------------------------------------------------

const api = createApi({
  getToken: () => (session ? session.token : ""),
  onUnauthorized: (error) => signOut(error.problem.detail || error.problem.title),
});

function showSession() {
  $("session-subject").textContent = session.subject;
  $("session-roles").textContent = session.roles.join(", ");
  $("session-regions").textContent = session.regions.join(", ");
  $("session-info").hidden = false;
  nav.hidden = false;
  signInSection.hidden = true;
  pageHost.hidden = false;
}

function showSignIn(reason) {
  charts.destroyAll();
  session = null;
  renderCount += 1;
  $("session-info").hidden = true;
  nav.hidden = true;
  navList.replaceChildren();
  pageHost.replaceChildren();
  pageHost.hidden = true;
  signInSection.hidden = false;
  signInError.hidden = !reason;
  signInError.textContent = reason || "";
  document.title = "Sign in · salesops console";
  main.setAttribute("aria-busy", "false");
  $("sign-in-heading").focus();
}

function signOut(reason) {
  forgetToken();
  showSignIn(reason);
}

// Any call proves the token: the API answers 401 with its reason when it refuses it.
async function verify(token) {
  const probe = createApi({ getToken: () => token });
  try {
    await probe.get("/v1/org-units", { page_size: 1 });
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 0)) throw error;
    // 403/404 and the like: the token is good, the role just may not read this list.
  }
}

async function signIn(raw) {
  let decoded;
  try {
    decoded = decodeToken(raw);
  } catch (error) {
    showSignIn(error.message);
    return false;
  }
  main.setAttribute("aria-busy", "true");
  try {
    await verify(decoded.token);
  } catch (error) {
    forgetToken();
    const problem = error.problem || {};
    showSignIn(problem.status === 401 ? `The API refused the token: ${problem.detail || problem.title}` : `${problem.title}: ${problem.detail}`);
    return false;
  }
  storeToken(decoded.token);
  session = { subject: decoded.subject, roles: decoded.roles, regions: decoded.regions, token: decoded.token };
  showSession();
  await render();
  return true;
}

$("sign-in-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const raw = tokenInput.value;
  if (!raw.trim()) {
    showSignIn("Paste a token first.");
    tokenInput.focus();
    return;
  }
  tokenInput.value = "";
  signIn(raw);
});

$("sign-out").addEventListener("click", () => signOut(""));

$("skip-link").addEventListener("click", (event) => {
  event.preventDefault();
  const heading = pageHost.querySelector("h1") || main;
  if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
  heading.focus();
});

window.addEventListener("hashchange", () => {
  if (session && location.hash.startsWith("#/")) render();
});
window.addEventListener("beforeprint", () => charts.resizeAll());
window.addEventListener("afterprint", () => charts.resizeAll());

// Start: a token kept from earlier in this tab signs in again (and is re-checked by the API).
const kept = storedToken();
if (kept) signIn(kept);
else showSignIn("");
