// Customer page: one account from the customer archive.
//
// #/customer?id=<customer_id>: the account's archive data, its contacts, its timeline, its
// health score with every factor's reason, its NPS (from the account's NPS survey responses)
// and its open deals. Each part is read on its own: one that fails shows its problem in its
// own place while the others still show.

import { figure, row, section as pageSection, table } from "../widgets.js";

const TIMELINE_PAGE = 25;
// Label and value side by side (set from JS: the CSP allows no inline styles).
const FACTS_STYLE = { display: "grid", gridTemplateColumns: "minmax(8rem, max-content) 1fr", gap: "0.25rem 1rem", margin: "0" };
const FACT_STYLE = { margin: "0", minWidth: "0", overflowWrap: "break-word" };
const FACTOR_NAMES = {
  satisfaction: "Satisfaction",
  nps: "NPS",
  cases: "Service cases",
  recency: "Recency of contact",
  revenue_trend: "Revenue trend",
};

export default {
  route: "customer",
  title: "Customer",
  roles: ["rep", "manager", "director", "executive", "admin"],
  async render(root, ctx) {
    const el = ctx.el;
    const id = ctx.params.get("id") || "";
    const heading = el("h1", { text: "Customer" });
    root.append(heading, idForm(ctx, id));
    if (!id) {
      root.append(await customerList(ctx));
      return;
    }
    const path = `/v1/customers/${encodeURIComponent(id)}`;
    const settle = (promise) => promise.then((value) => ({ value }), (error) => ({ error }));
    const [customer, contacts, timeline, health, surveys, deals] = await Promise.all([
      settle(ctx.api.get(path)),
      settle(ctx.api.getAll(`${path}/contacts`, "contacts", { page_size: 200 })),
      settle(ctx.api.get(`${path}/timeline`, { page_size: TIMELINE_PAGE })),
      settle(ctx.api.get(`${path}/health`)),
      settle(ctx.api.getAll("/v1/surveys", "responses", { customer_id: id, kind: "nps", page_size: 500 })),
      settle(ctx.api.getAll("/v1/opportunities", "opportunities", { customer_id: id, status: "open" })),
    ]);
    if (customer.error) {
      // Out of scope or unknown: nothing else about it may show.
      const problem = el("div", { "data-testid": "customer-problem" });
      ctx.showProblem(problem, customer.error);
      root.append(problem);
      return;
    }
    heading.textContent = customer.value.name;
    root.append(
      el(
        "div",
        { class: "grid" },
        archiveSection(ctx, customer.value),
        healthSection(ctx, health),
        npsSection(ctx, surveys),
        contactsSection(ctx, contacts),
        dealsSection(ctx, deals),
        timelineSection(ctx, path, timeline),
      ),
    );
  },
};

// --- helpers --------------------------------------------------------------------------------

function failed(ctx, box, error) {
  const problem = ctx.el("div", { class: "section-problem" });
  ctx.showProblem(problem, error);
  box.append(problem);
  return box;
}

function fact(ctx, label, value, testid) {
  const el = ctx.el;
  const dd = value instanceof Node
    ? el("dd", { "data-testid": testid, style: FACT_STYLE }, value)
    : el("dd", { "data-testid": testid, style: FACT_STYLE, text: value || "—" });
  return [el("dt", { class: "muted", text: label }), dd];
}

/** NPS in basis points as GET /v1/nps computes it: 10000 x (promoters - detractors) / responses,
 * rounded to the nearest integer with halves towards +infinity. */
export function npsBasisPoints(promoters, detractors, responses) {
  if (!responses) return null;
  const numerator = 10000 * (promoters - detractors);
  return Math.floor((2 * numerator + responses) / (2 * responses));
}

// --- sections -------------------------------------------------------------------------------

function idForm(ctx, id) {
  const el = ctx.el;
  const input = el("input", { id: "customer-id", name: "id", type: "text", autocomplete: "off" });
  input.value = id;
  const form = el(
    "form",
    { class: "filters", "aria-label": "Customer" },
    el("div", { class: "field" }, el("label", { for: "customer-id", text: "Customer id" }), input),
    el("button", { type: "submit", text: "Show" }),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.navigate("customer", { id: input.value.trim() });
  });
  return form;
}

// Without an id: the newest accounts in the caller's scope (a rep: their own), to pick from.
async function customerList(ctx) {
  const el = ctx.el;
  const box = pageSection(ctx, "customer", "list", "Your accounts", "span-12");
  const body = await ctx.api.get("/v1/customers", { page_size: 100 });
  const rows = body.customers.map((c) =>
    row(ctx, `customer-${c.customer_id}`, [
      el("a", { href: `#/customer?id=${encodeURIComponent(c.customer_id)}`, text: c.name }),
      c.status,
      c.tier,
      c.region,
      c.owner_id,
    ]),
  );
  box.append(
    rows.length
      ? table(ctx, "Accounts, newest first", ["Name", "Status", "Tier", "Region", "Owner"], rows)
      : el("p", { text: "No accounts in your scope." }),
  );
  return box;
}

function archiveSection(ctx, c) {
  const el = ctx.el;
  const box = pageSection(ctx, "customer", "archive", "Account");
  const address = c.address
    ? [c.address.street, [c.address.postal_code, c.address.city].filter(Boolean).join(" "), c.address.state_province]
        .filter(Boolean)
        .join(", ")
    : "";
  const owner = c.owner_id ? el("a", { href: `#/rep?id=${encodeURIComponent(c.owner_id)}`, text: c.owner_id }) : "";
  const lifetime = (c.lifetime_value || []).map((m) => ctx.fmt.money(m)).join(" + ");
  const merged = c.merged_into ? el("a", { href: `#/customer?id=${encodeURIComponent(c.merged_into)}`, text: c.merged_into }) : "";
  box.append(
    el(
      "dl",
      { class: "facts", style: FACTS_STYLE },
      ...fact(ctx, "Name", c.name, "customer-name"),
      ...fact(ctx, "Status", c.status, "customer-status"),
      ...(c.merged_into ? fact(ctx, "Merged into", merged, "customer-merged-into") : []),
      ...fact(ctx, "Tier", c.tier, "customer-tier"),
      ...fact(ctx, "Region", c.region, "customer-region"),
      ...fact(ctx, "Country", c.country, "customer-country"),
      ...fact(ctx, "Industry", c.industry, "customer-industry"),
      ...fact(ctx, "Owner", owner, "customer-owner"),
      ...fact(ctx, "Company size", c.company_size, "customer-size"),
      ...fact(ctx, "Web domain", c.domain, "customer-domain"),
      ...fact(ctx, "Tax id", c.tax_id, "customer-tax-id"),
      ...fact(ctx, "Address", address, "customer-address"),
      ...fact(ctx, "Potential", c.potential ? ctx.fmt.money(c.potential) : "", "customer-potential"),
      ...fact(ctx, "Lifetime value", lifetime, "customer-lifetime-value"),
      ...fact(ctx, "Tags", (c.tags || []).join(", "), "customer-tags"),
      ...fact(ctx, "Customer since", c.audit && c.audit.create_time ? ctx.fmt.date(c.audit.create_time) : "", "customer-since"),
    ),
  );
  return box;
}

function healthSection(ctx, result) {
  const el = ctx.el;
  const box = pageSection(ctx, "customer", "health", "Health");
  if (result.error) return failed(ctx, box, result.error);
  const h = result.value;
  box.append(
    el(
      "div",
      { class: "kpis" },
      figure(ctx, "Health score", `${h.score} / 100`, "health-score"),
      figure(ctx, "Band", h.band || "—", "health-band"),
      figure(ctx, "Loyalty", h.loyalty ? h.loyalty.tier || "—" : "—", "health-loyalty"),
    ),
  );
  if (h.band_since) box.append(el("p", { class: "muted", text: `In this band since ${ctx.fmt.date(h.band_since)}` }));
  if (h.loyalty && h.loyalty.reason) box.append(el("p", { "data-testid": "health-loyalty-reason", text: `Loyalty: ${h.loyalty.reason}` }));
  const factors = h.factors || [];
  if (factors.length) {
    const canvas = el("canvas", {
      role: "img",
      "aria-label": "Health factors chart: points of each factor against its maximum; the table below has the figures and reasons.",
    });
    const chart = el("div", { class: "chart-box short" }, canvas);
    box.append(chart);
    ctx.charts.make(canvas, {
      type: "bar",
      data: {
        labels: factors.map((f) => FACTOR_NAMES[f.factor] || f.factor),
        datasets: [
          { label: "Points", data: factors.map((f) => f.points), backgroundColor: "#0072B2" },
          { label: "Maximum", data: factors.map((f) => f.max_points), backgroundColor: "#8a8f98" },
        ],
      },
      options: { indexAxis: "y", responsive: true, maintainAspectRatio: false },
    });
    box.append(
      table(
        ctx,
        "Health factors and their reasons",
        ["Factor", "Points", "Reason"],
        factors.map((f) => row(ctx, `health-factor-${f.factor}`, [FACTOR_NAMES[f.factor] || f.factor, `${f.points} / ${f.max_points}`, f.reason])),
      ),
    );
  }
  if (h.assessed_at) box.append(el("p", { class: "muted", text: `Assessed ${ctx.fmt.datetime(h.assessed_at)}` }));
  return box;
}

function npsSection(ctx, result) {
  const el = ctx.el;
  const box = pageSection(ctx, "customer", "nps", "NPS");
  if (result.error) return failed(ctx, box, result.error);
  const responses = result.value;
  const count = (category) => responses.filter((r) => r.nps_category === category).length;
  const promoters = count("promoter");
  const passives = count("passive");
  const detractors = count("detractor");
  const nps = npsBasisPoints(promoters, detractors, responses.length);
  box.append(
    el(
      "div",
      { class: "kpis" },
      figure(ctx, "NPS", nps === null ? "no responses" : ctx.fmt.number(Math.round(nps / 100)), "nps-score"),
      figure(ctx, "Responses", ctx.fmt.number(responses.length), "nps-responses"),
      figure(ctx, "Promoters / passives / detractors", `${promoters} / ${passives} / ${detractors}`, "nps-breakdown"),
    ),
  );
  if (nps !== null) box.dataset.npsBp = String(nps);
  const recent = responses.slice(0, 10).map((r) =>
    row(ctx, `survey-${r.response_id}`, [
      r.responded_at ? ctx.fmt.date(r.responded_at) : "—",
      String(r.score),
      r.nps_category || "",
      r.comment,
      r.source,
    ]),
  );
  if (recent.length) box.append(table(ctx, "Latest NPS responses", ["Date", "Score", "Category", "Comment", "Source"], recent));
  return box;
}

function contactsSection(ctx, result) {
  const el = ctx.el;
  const box = pageSection(ctx, "customer", "contacts", "Contacts");
  if (result.error) return failed(ctx, box, result.error);
  const contacts = result.value.filter((c) => !c.erased);
  box.append(el("p", { class: "muted", "data-testid": "contacts-count", text: `${contacts.length} contact(s)` }));
  if (!contacts.length) return box;
  const mail = (c) => (c.email ? el("a", { href: `mailto:${c.email}`, text: c.email }) : "");
  box.append(
    table(
      ctx,
      "Contacts",
      ["Name", "Title", "Buying role", "Email", "Phone"],
      contacts.map((c) => row(ctx, `contact-${c.contact_id}`, [c.name, c.title, c.buying_role, mail(c), c.phone])),
    ),
  );
  return box;
}

function dealsSection(ctx, result) {
  const el = ctx.el;
  const box = pageSection(ctx, "customer", "deals", "Open deals", "span-12");
  if (result.error) return failed(ctx, box, result.error);
  const deals = result.value;
  if (!deals.length) {
    box.append(el("p", { text: "No open deals." }));
    return box;
  }
  box.append(
    table(
      ctx,
      "Open deals of this customer",
      ["Deal", "Stage", "Amount", "Expected close", "Owner"],
      deals.map((o) =>
        row(ctx, `deal-${o.opportunity_id}`, [
          o.name,
          o.stage_name,
          o.amount ? ctx.fmt.money(o.amount) : "",
          o.expected_close_date ? ctx.fmt.date(o.expected_close_date) : "",
          el("a", { href: `#/pipeline?rep=${encodeURIComponent(o.owner_id)}`, text: o.owner_id }),
        ]),
      ),
    ),
  );
  return box;
}

function timelineSection(ctx, path, result) {
  const el = ctx.el;
  const box = pageSection(ctx, "customer", "timeline", "Timeline", "span-12");
  if (result.error) return failed(ctx, box, result.error);
  const list = el("ol", { class: "timeline", "aria-label": "What happened with this customer, newest first" });
  const entry = (e) =>
    el(
      "li",
      { "data-testid": `timeline-${e.entry_id}`, "data-ref": e.ref_id },
      el("time", { datetime: e.occur_time || "", text: e.occur_time ? ctx.fmt.datetime(e.occur_time) : "—" }),
      " ",
      el("strong", { class: "timeline-title", text: e.title || e.ref_type }),
      e.summary && e.summary !== e.title ? el("span", { class: "timeline-summary", text: ` — ${e.summary}` }) : null,
      el("span", { class: "muted", text: ` (${e.ref_type} ${e.action}${e.actor ? `, by ${e.actor}` : ""})` }),
    );
  const add = (page) => {
    for (const e of page.entries) list.append(entry(e));
  };
  add(result.value);
  box.append(list);
  if (!result.value.entries.length) box.append(el("p", { "data-testid": "timeline-empty", text: "Nothing recorded yet." }));
  let token = result.value.next_page_token;
  if (token) {
    const more = el("button", { type: "button", text: "Show older entries" });
    more.addEventListener("click", async () => {
      more.disabled = true;
      try {
        const page = await ctx.api.get(`${path}/timeline`, { page_size: TIMELINE_PAGE, page_token: token });
        add(page);
        token = page.next_page_token;
        if (token) more.disabled = false;
        else more.remove();
      } catch (error) {
        more.disabled = false;
        failed(ctx, box, error);
      }
    });
    box.append(more);
  }
  return box;
}
