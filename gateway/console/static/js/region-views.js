// What the dashboard and the report share: the region/period picker and one renderer per
// section of GET /v1/regions/{region}/dashboard (the report's JSON has the same shape).
//
// Every chart has an aria-label and a table beside it holding the same figures; figures
// carry data-testid attributes (e.g. unit-<unit_id> rows with unit-attainment cells).

const SECTION_TITLES = {
  plan_vs_actual: "Plan vs actual",
  performers: "Top and bottom performers",
  funnel: "Funnel",
  win_rate: "Win rate",
  forecast: "Forecast vs target",
  overdue_cases: "Overdue cases",
  certification_coverage: "Certification coverage",
  trend: "Trend",
};

// --- the period ------------------------------------------------------------------------------

// The calendar quarter of today (a January fiscal year); plans' periods are offered too.
export function currentQuarter(now = new Date()) {
  return `FY${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
}

// The region's plan periods, newest first, and the one containing today (if any).
export async function planPeriods(ctx, region) {
  if (!region) return { codes: [], current: "" };
  let plans = [];
  try {
    plans = await ctx.api.getAll("/v1/plans", "plans", { region, page_size: 200 }, { maxPages: 5 });
  } catch {
    return { codes: [], current: "" }; // only suggestions: the page works without them
  }
  const now = Date.now();
  const periods = new Map();
  for (const plan of plans) if (plan.period && plan.period.code) periods.set(plan.period.code, plan.period);
  const list = [...periods.values()].sort((a, b) => String(b.starts_at).localeCompare(String(a.starts_at)));
  const containing = list
    .filter((p) => p.starts_at && p.ends_at && Date.parse(p.starts_at) <= now && now < Date.parse(p.ends_at))
    .sort((a, b) => Date.parse(b.starts_at) - Date.parse(a.starts_at)); // the shortest (latest start)
  return { codes: list.map((p) => p.code), current: containing.length ? containing[0].code : "" };
}

// The region and period of the route (defaults: the session's first region, today's period).
export async function resolveScope(ctx) {
  const region = (ctx.params.get("region") || ctx.defaultRegion || "").trim();
  const periods = await planPeriods(ctx, region);
  const period = (ctx.params.get("period") || periods.current || currentQuarter()).trim();
  return { region, period, periods: periods.codes };
}

// The pickers: region (a select of the token's regions, or free text for "*") and period.
export function scopeForm(ctx, route, { region, period, periods }) {
  const el = ctx.el;
  const mine = ctx.session.regions.filter((r) => r !== "*");
  const everywhere = ctx.session.regions.includes("*");
  let regionInput;
  if (everywhere || mine.length === 0 || (region && !mine.includes(region))) {
    regionInput = el("input", {
      id: `${route}-region`, name: "region", type: "text", required: true, autocomplete: "off",
      list: `${route}-regions`, pattern: "[A-Za-z0-9_-]{1,32}", "data-testid": "region-picker",
    });
    regionInput.value = region;
  } else {
    regionInput = el("select", { id: `${route}-region`, name: "region", "data-testid": "region-picker" },
      mine.map((code) => el("option", { value: code, text: code })));
    regionInput.value = region;
  }
  const periodInput = el("input", {
    id: `${route}-period`, name: "period", type: "text", required: true, autocomplete: "off",
    list: `${route}-periods`, pattern: "FY[0-9]{4}(-Q[1-4]|-M(0[1-9]|1[0-2]))?",
    "aria-describedby": `${route}-period-help`, "data-testid": "period-picker",
  });
  periodInput.value = period;
  const form = el("form", { class: "filters no-print", "aria-label": "Region and period" },
    el("div", { class: "field" }, el("label", { for: `${route}-region`, text: "Region" }), regionInput,
      el("datalist", { id: `${route}-regions` }, mine.map((code) => el("option", { value: code })))),
    el("div", { class: "field" }, el("label", { for: `${route}-period`, text: "Fiscal period" }), periodInput,
      el("datalist", { id: `${route}-periods` }, periods.map((code) => el("option", { value: code }))),
      el("span", { id: `${route}-period-help`, class: "help", text: "FY2027, FY2027-Q1 or FY2027-M03" })),
    el("div", { class: "field" }, el("button", { type: "submit", text: "Show", "data-testid": "scope-submit" })),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    ctx.navigate(route, { region: regionInput.value.trim(), period: periodInput.value.trim().toUpperCase() });
  });
  return form;
}

// --- building blocks -------------------------------------------------------------------------

function card(ctx, key, title, ...children) {
  const id = `section-${key}`;
  return ctx.el("section", { class: "card", "aria-labelledby": `${id}-h`, "data-testid": id },
    ctx.el("h2", { id: `${id}-h`, text: title }), ...children);
}

function missing(ctx, body, key) {
  const status = (body.sections && body.sections[key]) || { status: "unavailable", detail: "" };
  return ctx.el("p", { class: "partial-note", "data-testid": `missing-${key}` },
    `Not available (${status.status})${status.detail ? `: ${status.detail}` : ""}.`);
}

// A table: columns [{label, num?}], rows [{testid, cells: [{text|node, testid?}]}].
function table(ctx, caption, columns, rows, { testid } = {}) {
  const el = ctx.el;
  return el("div", { class: "table-wrap" },
    el("table", { "data-testid": testid },
      el("caption", { text: caption }),
      el("thead", {}, el("tr", {}, columns.map((c) => el("th", { scope: "col", class: c.num ? "num" : null, text: c.label })))),
      el("tbody", {}, rows.length
        ? rows.map((row) => el("tr", { "data-testid": row.testid },
          row.cells.map((cell, i) => el(i === 0 ? "th" : "td", {
            scope: i === 0 ? "row" : null, class: columns[i] && columns[i].num ? "num" : null, "data-testid": cell.testid,
          }, cell.node || cell.text))))
        : el("tr", {}, el("td", { colspan: String(columns.length), class: "muted", text: "Nothing to show." })))));
}

// A chart with its label; the table alternative is passed in and shown below it.
function chart(ctx, label, config, { short = false } = {}) {
  const canvas = ctx.el("canvas", { "aria-label": label, role: "img" });
  canvas.textContent = label; // fallback content
  const box = ctx.el("div", { class: short ? "chart-box short" : "chart-box" }, canvas);
  // Chart.js measures its container: build the chart once the canvas is in the document.
  queueMicrotask(() => {
    if (canvas.isConnected) ctx.charts.make(canvas, config);
    else requestAnimationFrame(() => canvas.isConnected && ctx.charts.make(canvas, config));
  });
  return box;
}

function revenueLine(lines) {
  return (lines || []).find((l) => l.metric === "revenue" && !l.product_line && l.target) || null;
}

function statusBadge(ctx, status, testid) {
  const label = { ahead: "ahead", on_pace: "on pace", behind: "behind", attained: "attained" }[status] || status || "—";
  return ctx.el("span", { class: `badge status-${status || "none"}`, "data-testid": testid, text: label });
}

function repLink(ctx, repId, period, names) {
  return ctx.el("a", { href: ctx.href("rep", { id: repId, period }), "data-testid": "rep-link", text: names.get(repId) || repId });
}

// Rep names for links (the dashboard carries ids only); ids stand in when the list fails.
export async function repNames(ctx, region) {
  const names = new Map();
  try {
    const reps = await ctx.api.getAll("/v1/reps", "reps", { region, page_size: 500 }, { maxPages: 4 });
    for (const rep of reps) names.set(rep.rep_id, rep.name || rep.rep_id);
  } catch {
    /* ids only */
  }
  return names;
}

// --- the sections ----------------------------------------------------------------------------

export function summary(ctx, body) {
  const el = ctx.el;
  const kpi = (label, value, testid) => el("li", { class: "kpi" },
    el("span", { class: "kpi-label", text: label }), el("span", { class: "kpi-value", "data-testid": testid, text: value }));
  const units = body.plan_vs_actual ? body.plan_vs_actual.units : [];
  const top = units.map((u) => ({ unit: u, line: revenueLine(u.lines) })).find((x) => x.line);
  const items = [];
  if (top) {
    items.push(kpi(`Revenue attainment (${top.unit.name})`, ctx.fmt.percent(top.line.percent_bp), "kpi-attainment"));
    items.push(kpi("Revenue booked", ctx.fmt.money(top.line.actual), "kpi-actual"));
  }
  if (body.win_rate) items.push(kpi("Win rate", ctx.fmt.percent(body.win_rate.total.win_rate_bp), "kpi-win-rate"));
  if (body.funnel) items.push(kpi("Deals created", ctx.fmt.number(body.funnel.cohort), "kpi-cohort"));
  if (body.overdue_cases) items.push(kpi("Overdue cases", ctx.fmt.number(body.overdue_cases.count), "kpi-overdue"));
  if (body.certification_coverage) items.push(kpi("Reps in region", ctx.fmt.number(body.certification_coverage.reps), "kpi-reps"));
  return el("ul", { class: "kpis", "aria-label": "Key figures", "data-testid": "kpis" }, items);
}

export function partialNotice(ctx, body) {
  if (!body.partial || body.partial.length === 0) return null;
  return ctx.el("div", { class: "partial-note", role: "status", "data-testid": "partial" },
    ctx.el("p", { text: "Some sections could not be filled:" }),
    ctx.el("ul", {}, body.partial.map((key) => {
      const s = (body.sections || {})[key] || {};
      return ctx.el("li", { text: `${SECTION_TITLES[key] || key}: ${s.status || "unavailable"}${s.detail ? ` (${s.detail})` : ""}` });
    })));
}

export function planVsActual(ctx, body) {
  const key = "plan_vs_actual";
  if (!body[key]) return card(ctx, key, "Plan vs actual by unit", missing(ctx, body, key));
  const fmt = ctx.fmt;
  const rows = body[key].units.map((unit) => ({ unit, line: revenueLine(unit.lines) })).filter((x) => x.line);
  const names = rows.map((x) => x.unit.name);
  const config = {
    type: "bar",
    data: {
      labels: names,
      datasets: [
        { label: "Attainment (% of target)", data: rows.map((x) => x.line.percent_bp / 100), backgroundColor: ctx.charts.palette[0] },
        { label: "Pace (% of expected by today)", data: rows.map((x) => x.line.pace_bp / 100), backgroundColor: ctx.charts.palette[1] },
      ],
    },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: "%" } } } },
  };
  const label = `Bar chart: revenue attainment and pace per unit, in percent. ${rows
    .map((x) => `${x.unit.name}: ${fmt.percent(x.line.percent_bp)} of target, pace ${fmt.percent(x.line.pace_bp)}`).join("; ")}.`;
  return card(ctx, key, "Plan vs actual by unit",
    rows.length ? chart(ctx, label, config) : ctx.el("p", { class: "muted", text: "No unit has a revenue target for this period." }),
    table(ctx, "Revenue by unit", [
      { label: "Unit" }, { label: "Kind" }, { label: "Target", num: true }, { label: "Actual", num: true },
      { label: "Attainment", num: true }, { label: "Pace", num: true }, { label: "Gap to target", num: true }, { label: "Status" },
    ], rows.map(({ unit, line }) => ({
      testid: `unit-${unit.unit_id}`,
      cells: [
        { text: unit.name, testid: "unit-name" }, { text: unit.kind },
        { text: fmt.money(line.target), testid: "unit-target" }, { text: fmt.money(line.actual), testid: "unit-actual" },
        { text: fmt.percent(line.percent_bp), testid: "unit-attainment" }, { text: fmt.percent(line.pace_bp), testid: "unit-pace" },
        { text: fmt.money(line.gap_to_target), testid: "unit-gap" }, { node: statusBadge(ctx, line.status, "unit-status") },
      ],
    })), { testid: "units-table" }),
  );
}

export function repsTable(ctx, body, period, names) {
  const key = "plan_vs_actual";
  if (!body[key]) return null;
  const units = new Map(body[key].units.map((u) => [u.unit_id, u.name]));
  const rows = body[key].reps.map((rep) => ({ rep, line: revenueLine(rep.lines) })).filter((x) => x.line);
  const fmt = ctx.fmt;
  return card(ctx, "reps", "Reps",
    table(ctx, "Revenue by rep", [
      { label: "Rep" }, { label: "Team" }, { label: "Target", num: true }, { label: "Actual", num: true },
      { label: "Attainment", num: true }, { label: "Pace", num: true }, { label: "Status" },
    ], rows.map(({ rep, line }) => ({
      testid: `rep-${rep.rep_id}`,
      cells: [
        { node: repLink(ctx, rep.rep_id, period, names) }, { text: units.get(rep.team_unit_id) || rep.team_unit_id },
        { text: fmt.money(line.target), testid: "rep-target" }, { text: fmt.money(line.actual), testid: "rep-actual" },
        { text: fmt.percent(line.percent_bp), testid: "rep-attainment" }, { text: fmt.percent(line.pace_bp), testid: "rep-pace" },
        { node: statusBadge(ctx, line.status, "rep-status") },
      ],
    })), { testid: "reps-table" }));
}

export function performers(ctx, body, period, names, { full = false } = {}) {
  const key = "performers";
  if (!body[key]) return card(ctx, key, "Top and bottom performers", missing(ctx, body, key));
  const el = ctx.el;
  const fmt = ctx.fmt;
  const list = (title, items, kind) => el("div", { class: "performer-list" },
    el("h3", { text: title }),
    items.length
      ? el("ol", { "data-testid": `${kind}-performers` }, items.map((p) => el("li", { "data-testid": `${kind}-${p.rep_id}` },
        repLink(ctx, p.rep_id, period, names), " — ",
        el("span", { "data-testid": "performer-percent", text: fmt.percent(p.percent_bp) }),
        ` (${fmt.money(p.actual)} of ${fmt.money(p.target)}, rank ${p.rank})`)))
      : el("p", { class: "muted", text: "Nobody to rank yet." }));
  const children = [list("Top", body[key].top, "top"), list("Bottom (worst first)", body[key].bottom, "bottom")];
  if (full) {
    children.push(table(ctx, "Ranking by revenue attainment", [
      { label: "Rank", num: true }, { label: "Rep" }, { label: "Target", num: true }, { label: "Actual", num: true }, { label: "Attainment", num: true },
    ], body[key].ranking.map((p) => ({
      testid: `rank-${p.rep_id}`,
      cells: [{ text: String(p.rank), testid: "rank" }, { node: repLink(ctx, p.rep_id, period, names) },
        { text: fmt.money(p.target) }, { text: fmt.money(p.actual) }, { text: fmt.percent(p.percent_bp), testid: "rank-percent" }],
    })), { testid: "ranking-table" }));
  }
  return card(ctx, key, "Top and bottom performers", ...children);
}

export function forecast(ctx, body) {
  const key = "forecast";
  if (!body[key]) return card(ctx, key, "Forecast vs target", missing(ctx, body, key));
  const fmt = ctx.fmt;
  // Each top unit's total, then its children: one row per unit (its target's currency).
  const lines = [];
  for (const rollUp of body[key].units) {
    if (rollUp.total) lines.push({ line: rollUp.total, depth: 0 });
    for (const child of rollUp.children || []) lines.push({ line: child, depth: 1 });
  }
  const figuresOf = (line) => (line.figures || [])[0] || null;
  const rows = lines.map(({ line, depth }) => {
    const f = figuresOf(line);
    return {
      testid: `forecast-${line.org_unit_id || line.rep_id}`,
      cells: [
        { text: `${depth ? "— " : ""}${line.name || line.org_unit_id || line.rep_id}` },
        { text: fmt.money(line.revenue_target), testid: "forecast-target" },
        { text: f && f.forecast ? fmt.money(f.forecast.commit) : "—", testid: "forecast-commit" },
        { text: f && f.forecast ? fmt.money(f.forecast.best_case) : "—", testid: "forecast-best-case" },
        { text: f ? fmt.money(f.weighted_pipeline) : "—", testid: "forecast-weighted" },
        { text: f ? fmt.money(f.closed_won) : "—", testid: "forecast-closed-won" },
      ],
    };
  });
  const charted = lines.filter(({ line }) => line.revenue_target || figuresOf(line));
  const label = `Bar chart: revenue target, closed won, forecast commit and weighted pipeline per unit. ${charted
    .map(({ line }) => {
      const f = figuresOf(line);
      return `${line.name}: target ${fmt.money(line.revenue_target)}, closed won ${f ? fmt.money(f.closed_won) : "—"}`;
    }).join("; ")}.`;
  const config = {
    type: "bar",
    data: {
      labels: charted.map(({ line }) => line.name || line.org_unit_id),
      datasets: [
        ["Revenue target", (l) => fmt.moneyValue(l.revenue_target)],
        ["Closed won", (l) => fmt.moneyValue((figuresOf(l) || {}).closed_won)],
        ["Forecast (commit)", (l) => fmt.moneyValue(((figuresOf(l) || {}).forecast || {}).commit)],
        ["Weighted pipeline", (l) => fmt.moneyValue((figuresOf(l) || {}).weighted_pipeline)],
      ].map(([name, value], i) => ({ label: name, data: charted.map(({ line }) => value(line)), backgroundColor: ctx.charts.palette[i] })),
    },
    options: { scales: { y: { beginAtZero: true } } },
  };
  return card(ctx, key, "Forecast vs target",
    charted.length ? chart(ctx, label, config) : null,
    table(ctx, "Forecast roll-up", [
      { label: "Unit" }, { label: "Revenue target", num: true }, { label: "Commit", num: true },
      { label: "Best case", num: true }, { label: "Weighted pipeline", num: true }, { label: "Closed won", num: true },
    ], rows, { testid: "forecast-table" }));
}

export function funnel(ctx, body) {
  const key = "funnel";
  if (!body[key]) return card(ctx, key, "Funnel", missing(ctx, body, key));
  const fmt = ctx.fmt;
  const steps = [...body[key].steps].sort((a, b) => a.position - b.position);
  const label = `Horizontal bar chart: deals created in the period (${body[key].cohort}) by the stage they reached. ${steps
    .map((s) => `${s.name}: ${s.reached}`).join("; ")}.`;
  const config = {
    type: "bar",
    data: { labels: steps.map((s) => s.name), datasets: [{ label: "Deals that reached the stage", data: steps.map((s) => s.reached), backgroundColor: ctx.charts.palette[2] }] },
    options: { indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { display: false } } },
  };
  return card(ctx, key, "Funnel",
    ctx.el("p", {}, "Deals created in the period: ", ctx.el("strong", { "data-testid": "funnel-cohort", text: fmt.number(body[key].cohort) }),
      ` (pipeline ${body[key].pipeline_id})`),
    steps.length ? chart(ctx, label, config, { short: true }) : null,
    table(ctx, "Funnel by stage", [{ label: "Stage" }, { label: "Reached", num: true }, { label: "Conversion to next", num: true }],
      steps.map((s) => ({
        testid: `funnel-step-${s.stage_id}`,
        cells: [{ text: s.name }, { text: fmt.number(s.reached), testid: "funnel-reached" },
          { text: s.conversion_to_next_bp === null || s.conversion_to_next_bp === undefined ? "—" : fmt.percent(s.conversion_to_next_bp), testid: "funnel-conversion" }],
      })), { testid: "funnel-table" }));
}

export function winRate(ctx, body) {
  const key = "win_rate";
  if (!body[key]) return card(ctx, key, "Win rate", missing(ctx, body, key));
  const fmt = ctx.fmt;
  const units = new Map(((body.plan_vs_actual || {}).units || []).map((u) => [u.unit_id, u.name]));
  const total = body[key].total;
  const teams = body[key].by_team;
  const label = `Bar chart: win rate by team, in percent. ${teams.map((t) => `${units.get(t.key) || t.key}: ${fmt.percent(t.win_rate_bp)}`).join("; ")}.`;
  const config = {
    type: "bar",
    data: { labels: teams.map((t) => units.get(t.key) || t.key), datasets: [{ label: "Win rate (%)", data: teams.map((t) => t.win_rate_bp / 100), backgroundColor: ctx.charts.palette[0] }] },
    options: { scales: { y: { beginAtZero: true, max: 100 } }, plugins: { legend: { display: false } } },
  };
  return card(ctx, key, "Win rate",
    ctx.el("p", {}, "Won / (won + lost) of the deals closed in the period: ",
      ctx.el("strong", { "data-testid": "win-rate-total", text: fmt.percent(total.win_rate_bp) }),
      ` (${total.won} won, ${total.lost} lost)`),
    teams.length ? chart(ctx, label, config, { short: true }) : null,
    table(ctx, "Win rate by team", [{ label: "Team" }, { label: "Won", num: true }, { label: "Lost", num: true }, { label: "Win rate", num: true }],
      teams.map((t) => ({
        testid: `win-rate-${t.key}`,
        cells: [{ text: units.get(t.key) || t.key }, { text: fmt.number(t.won), testid: "team-won" },
          { text: fmt.number(t.lost), testid: "team-lost" }, { text: fmt.percent(t.win_rate_bp), testid: "team-win-rate" }],
      })), { testid: "win-rate-table" }));
}

export function overdueCases(ctx, body, names) {
  const key = "overdue_cases";
  if (!body[key]) return card(ctx, key, "Overdue cases", missing(ctx, body, key));
  const fmt = ctx.fmt;
  const section = body[key];
  return card(ctx, key, "Overdue cases",
    ctx.el("p", {}, "Open or in progress past their due time: ", ctx.el("strong", { "data-testid": "overdue-count", text: fmt.number(section.count) }),
      section.count > section.cases.length ? ` (the ${section.cases.length} most overdue are listed)` : ""),
    table(ctx, "Overdue cases, most overdue first", [
      { label: "Subject" }, { label: "Customer" }, { label: "Priority" }, { label: "Status" }, { label: "Assignee" }, { label: "Due" },
    ], section.cases.map((c) => ({
      testid: `case-${c.case_id}`,
      cells: [
        { text: c.subject, testid: "case-subject" },
        { node: ctx.el("a", { href: ctx.href("customer", { id: c.customer_id }), text: c.customer_id }) },
        { text: c.priority }, { text: c.status },
        { text: c.assignee_id ? names.get(c.assignee_id) || c.assignee_id : "unassigned" },
        { text: fmt.datetime(c.due_time), testid: "case-due" },
      ],
    })), { testid: "overdue-table" }));
}

export function certificationCoverage(ctx, body) {
  const key = "certification_coverage";
  if (!body[key]) return card(ctx, key, "Certification coverage", missing(ctx, body, key));
  const fmt = ctx.fmt;
  const lines = [...body[key].coverage].sort((a, b) => a.product_line.localeCompare(b.product_line));
  const label = `Bar chart: share of the region's reps holding a valid certification, per product line. ${lines
    .map((l) => `${l.product_line}: ${fmt.percent(l.coverage_bp)}`).join("; ")}.`;
  const config = {
    type: "bar",
    data: { labels: lines.map((l) => l.product_line), datasets: [{ label: "Reps certified (%)", data: lines.map((l) => l.coverage_bp / 100), backgroundColor: ctx.charts.palette[3] }] },
    options: { indexAxis: "y", scales: { x: { beginAtZero: true, max: 100 } }, plugins: { legend: { display: false } } },
  };
  return card(ctx, key, "Certification coverage",
    ctx.el("p", {}, "Reps in the region: ", ctx.el("strong", { "data-testid": "coverage-reps", text: fmt.number(body[key].reps) })),
    lines.length ? chart(ctx, label, config, { short: true }) : null,
    table(ctx, "Certified reps per product line", [{ label: "Product line" }, { label: "Certified", num: true }, { label: "Reps", num: true }, { label: "Coverage", num: true }],
      lines.map((l) => ({
        testid: `coverage-${l.product_line}`,
        cells: [{ text: l.product_line }, { text: fmt.number(l.certified_reps), testid: "coverage-certified" },
          { text: fmt.number(l.reps) }, { text: fmt.percent(l.coverage_bp), testid: "coverage-percent" }],
      })), { testid: "coverage-table" }));
}

export function trend(ctx, body) {
  const key = "trend";
  if (!body[key]) return card(ctx, key, "Trend", missing(ctx, body, key));
  const fmt = ctx.fmt;
  const months = body[key].months;
  const currency = (months.find((m) => m.won_value.length) || { won_value: [{ currency: "" }] }).won_value[0].currency;
  const valueIn = (m) => fmt.moneyValue(m.won_value.find((v) => v.currency === currency));
  const label = `Bar chart: deals won per fiscal month${currency ? ` and their value in ${currency}` : ""}. ${months
    .map((m) => `${m.period_code}: ${m.won} won`).join("; ")}.`;
  const config = {
    type: "bar",
    data: {
      labels: months.map((m) => m.period_code),
      datasets: [
        { label: "Deals won", data: months.map((m) => m.won), backgroundColor: ctx.charts.palette[0], yAxisID: "y" },
        { label: `Value won${currency ? ` (${currency})` : ""}`, data: months.map(valueIn), backgroundColor: ctx.charts.palette[4], yAxisID: "y1" },
      ],
    },
    options: {
      scales: {
        y: { beginAtZero: true, position: "left", ticks: { precision: 0 }, title: { display: true, text: "deals" } },
        y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: currency || "value" } },
      },
    },
  };
  return card(ctx, key, "Trend",
    months.length ? chart(ctx, label, config, { short: true }) : null,
    table(ctx, "Deals won per month", [{ label: "Month" }, { label: "Won", num: true }, { label: "Value won", num: true }],
      months.map((m) => ({
        testid: `trend-${m.period_code}`,
        cells: [{ text: m.period_code }, { text: fmt.number(m.won), testid: "trend-won" },
          { text: m.won_value.length ? m.won_value.map((v) => fmt.money(v)).join(" + ") : "—", testid: "trend-value" }],
      })), { testid: "trend-table" }));
}

export function grid(ctx, items) {
  return ctx.el("div", { class: "grid" }, items.filter(Boolean).map(([span, node]) => {
    if (node) node.classList.add(`span-${span}`);
    return node;
  }));
}
