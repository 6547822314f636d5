// Rep page: one rep's overview for a fiscal period.
//
// #/rep?id=<rep_id>&period=<FY2026-Q4>; without an id a rep sees their own page, without a
// period the current quarter. The overview (GET /v1/reps/{id}/overview) gives the pipeline,
// attainment, scorecard, commission to date and training; sections its services could not
// fill are flagged in a notice, not turned into an error page. The statement's explained lines
// and the coaching sessions are read on their own.

import { figure, row, section as pageSection, table } from "../widgets.js";

const WRITERS = ["rep", "manager", "director", "admin"];
// Label and value side by side (set from JS: the CSP allows no inline styles).
const FACTS_STYLE = { display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(6rem, 7rem) minmax(10rem, 1fr))", gap: "0.25rem 1rem", margin: "0 0 1rem" };
const METRIC_NAMES = { revenue: "Revenue", units: "Units", new_customers: "New customers" };
const SECTION_NAMES = {
  rep: "Rep details",
  pipeline: "Open pipeline",
  attainment: "Attainment and pace",
  scorecard: "Scorecard",
  commission: "Commission to date",
  training: "Training readiness",
};

export default {
  route: "rep",
  title: "Rep",
  roles: ["rep", "manager", "director", "executive", "admin"],
  async render(root, ctx) {
    const el = ctx.el;
    const repId = ctx.params.get("id") || (ctx.can("rep") ? ctx.session.subject : "");
    const period = ctx.params.get("period") || currentQuarter();
    const heading = el("h1", { text: repId ? `Rep ${repId}` : "Rep" });
    root.append(heading, periodForm(ctx, repId, period));
    if (!repId) {
      root.append(el("p", { text: "Enter a rep id to open their page." }));
      return;
    }

    const path = `/v1/reps/${encodeURIComponent(repId)}`;
    const [overview, coaching] = await Promise.all([
      ctx.api.get(`${path}/overview`, { period }),
      ctx.api.getAll("/v1/coaching-sessions", "sessions", { rep_id: repId }).then(
        (sessions) => ({ sessions }),
        (error) => ({ error }),
      ),
    ]);
    if (overview.rep) {
      const { name } = overview.rep;
      heading.textContent = name && name !== overview.rep_id ? `${name} (${overview.rep_id})` : overview.rep_id;
    }

    // Everything is built first and shown at once, so the page never shows half its sections.
    const [team, commission] = await Promise.all([
      overview.rep ? teamName(ctx, overview.rep) : "",
      commissionSection(ctx, overview),
    ]);
    if (overview.partial && overview.partial.length) root.append(partialNotice(ctx, overview));
    if (overview.rep) root.append(repFacts(ctx, overview.rep, overview.period, team));
    root.append(
      el(
        "div",
        { class: "grid" },
        attainmentSection(ctx, overview),
        pipelineSection(ctx, overview),
        scorecardSection(ctx, overview),
        trainingSection(ctx, overview),
        commission,
        coachingSection(ctx, coaching),
      ),
    );
  },
};

// --- helpers --------------------------------------------------------------------------------

/** The current fiscal quarter's code, for a fiscal year that starts in January (the default). */
function currentQuarter() {
  const now = new Date();
  return `FY${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
}

function missing(ctx, overview, name) {
  const status = (overview.sections || {})[name] || {};
  const why = status.status === "not_found" ? "nothing recorded for this period" : status.detail || status.status || "not available";
  return ctx.el("p", { class: "muted", "data-testid": `missing-${name}`, text: `Not available: ${why}.` });
}

function money(ctx, m) {
  return m ? ctx.fmt.money(m) : "—";
}

function chartBox(ctx, label) {
  const el = ctx.el;
  const canvas = el("canvas", { role: "img", "aria-label": label });
  const box = el("div", { class: "chart-box short" }, canvas);
  return { box, canvas };
}

// --- sections -------------------------------------------------------------------------------

function periodForm(ctx, repId, period) {
  const el = ctx.el;
  const idInput = el("input", { id: "rep-id", name: "id", type: "text", list: "rep-id-options", autocomplete: "off" });
  const periodInput = el("input", { id: "rep-period", name: "period", type: "text", pattern: "FY\\d{4}(-Q[1-4]|-M(0[1-9]|1[0-2]))?" });
  idInput.value = repId;
  periodInput.value = period;
  const options = el("datalist", { id: "rep-id-options" });
  const form = el(
    "form",
    { class: "filters", "aria-label": "Rep and period" },
    el("div", { class: "field" }, el("label", { for: "rep-id", text: "Rep id" }), idInput, options),
    el("div", { class: "field" }, el("label", { for: "rep-period", text: "Period (FY2026-Q4, FY2026 or FY2026-M11)" }), periodInput),
    el("button", { type: "submit", text: "Show" }),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.navigate("rep", { id: idInput.value.trim(), period: periodInput.value.trim() });
  });
  if (ctx.can("manager", "director", "executive", "admin")) {
    // The reps in the caller's scope as suggestions; the form works without them.
    ctx.api
      .getAll("/v1/reps", "reps", { page_size: 500 })
      .then((reps) => options.append(...reps.map((r) => el("option", { value: r.rep_id, label: r.name }))))
      .catch(() => {});
  }
  return form;
}

function partialNotice(ctx, overview) {
  const el = ctx.el;
  const items = overview.partial.map((name) => {
    const status = (overview.sections || {})[name] || {};
    const detail = status.detail ? `: ${status.detail}` : "";
    return el("li", { "data-testid": `partial-${name}`, text: `${SECTION_NAMES[name] || name} (${status.status || "missing"})${detail}` });
  });
  return el(
    "div",
    { class: "partial-note", role: "status", "data-testid": "partial-notice" },
    el("p", { text: "Some parts of this page could not be loaded right now; the rest is up to date:" }),
    el("ul", {}, ...items),
  );
}

async function teamName(ctx, rep) {
  if (!rep.team_unit_id) return "";
  try {
    const unit = await ctx.api.get(`/v1/org-units/${encodeURIComponent(rep.team_unit_id)}`);
    return unit.name || rep.team_unit_id;
  } catch {
    return rep.team_unit_id; // out of the caller's reach: the id still links to the team's board
  }
}

function repFacts(ctx, rep, period, team) {
  const el = ctx.el;
  const teamLink = rep.team_unit_id
    ? el("a", {
        href: `#/pipeline?team=${encodeURIComponent(rep.team_unit_id)}`,
        "aria-label": `Pipeline board of team ${team}`,
        text: team,
      })
    : el("span", { text: "—" });
  return el(
    "dl",
    { class: "facts", "data-testid": "rep-facts", style: FACTS_STYLE },
    el("dt", { class: "muted", text: "Period" }),
    el("dd", { style: { margin: "0" }, "data-testid": "rep-period", text: period }),
    el("dt", { class: "muted", text: "Region" }),
    el("dd", { style: { margin: "0" }, "data-testid": "rep-region", text: rep.region }),
    el("dt", { class: "muted", text: "Team" }),
    el("dd", { style: { margin: "0" }, "data-testid": "rep-team" }, teamLink),
    el("dt", { class: "muted", text: "Role" }),
    el("dd", { style: { margin: "0" }, text: rep.role || "rep" }),
    el("dt", { class: "muted", text: "Status" }),
    el("dd", { style: { margin: "0" }, "data-testid": "rep-status", text: rep.status }),
    el("dt", { class: "muted", text: "Manager" }),
    el("dd", { style: { margin: "0" }, text: rep.manager_id || "—" }),
  );
}

function quantityOf(ctx, line, moneyKey, quantityKey) {
  return line.metric === "revenue" ? money(ctx, line[moneyKey]) : ctx.fmt.number(line[quantityKey]);
}

function attainmentSection(ctx, overview) {
  const el = ctx.el;
  const box = pageSection(ctx, "rep", "attainment", "Attainment and pace");
  const attainment = overview.attainment;
  if (!attainment) {
    box.append(missing(ctx, overview, "attainment"));
    return box;
  }
  const lines = attainment.lines || [];
  if (!lines.length) {
    box.append(el("p", { text: "No target for this rep in this period." }));
    return box;
  }
  const main = lines.find((l) => l.metric === "revenue" && !l.product_line) || lines[0];
  box.append(
    el(
      "div",
      { class: "kpis" },
      figure(ctx, `${METRIC_NAMES[main.metric] || main.metric} attainment`, ctx.fmt.percent(main.percent_bp), "attainment-percent"),
      figure(ctx, "Pace (actual / expected by now)", ctx.fmt.percent(main.pace_bp), "attainment-pace"),
      figure(ctx, "Actual", quantityOf(ctx, main, "actual", "actual_quantity"), "attainment-actual"),
      figure(ctx, "Target", quantityOf(ctx, main, "target", "target_quantity"), "attainment-target"),
    ),
  );
  if (attainment.as_of) box.append(el("p", { class: "muted", text: `As of ${ctx.fmt.datetime(attainment.as_of)}` }));

  const toNumber = (l, key, qkey) => (l.metric === "revenue" ? Number((l[key] || {}).amount_minor || 0) / 100 : Number(l[qkey] || 0));
  const label = `Attainment chart: ${METRIC_NAMES[main.metric] || main.metric} target, expected by now and actual; the table below has the figures.`;
  const { box: chart, canvas } = chartBox(ctx, label);
  box.append(chart);
  ctx.charts.make(canvas, {
    type: "bar",
    data: {
      labels: ["Target", "Expected by now", "Actual"],
      datasets: [
        {
          label: METRIC_NAMES[main.metric] || main.metric,
          data: [
            toNumber(main, "target", "target_quantity"),
            toNumber(main, "expected", "expected_quantity"),
            toNumber(main, "actual", "actual_quantity"),
          ],
          backgroundColor: ["#6b7280", "#D55E00", "#0072B2"],
        },
      ],
    },
    options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } } },
  });

  const rows = lines.map((l, i) =>
    row(ctx, `attainment-line-${l.target_id || i}`, [
      `${METRIC_NAMES[l.metric] || l.metric}${l.product_line ? ` (${l.product_line})` : ""}`,
      quantityOf(ctx, l, "target", "target_quantity"),
      quantityOf(ctx, l, "expected", "expected_quantity"),
      quantityOf(ctx, l, "actual", "actual_quantity"),
      ctx.fmt.percent(l.percent_bp),
      ctx.fmt.percent(l.pace_bp),
      l.status,
    ]),
  );
  box.append(table(ctx, "Attainment by target", ["Metric", "Target", "Expected by now", "Actual", "Attainment", "Pace", "Status"], rows));
  return box;
}

function pipelineSection(ctx, overview) {
  const el = ctx.el;
  const box = pageSection(ctx, "rep", "pipeline", "Open pipeline");
  const pipeline = overview.pipeline;
  if (!pipeline) {
    box.append(missing(ctx, overview, "pipeline"));
    return box;
  }
  box.append(
    el(
      "div",
      { class: "kpis" },
      figure(ctx, "Open deals", ctx.fmt.number(pipeline.open_opportunities), "pipeline-open-count"),
      figure(ctx, "Value", pipeline.totals.map((t) => money(ctx, t.amount)).join(" + ") || "—", "pipeline-amount"),
      figure(ctx, "Weighted", pipeline.totals.map((t) => money(ctx, t.weighted)).join(" + ") || "—", "pipeline-weighted"),
    ),
    el("p", {}, el("a", { href: `#/pipeline?rep=${encodeURIComponent(overview.rep_id)}`, text: "Open the pipeline board" })),
  );
  const rows = pipeline.by_stage.map((s) =>
    row(ctx, `pipeline-stage-${s.stage_id}-${s.amount.currency}`, [
      s.stage_name,
      ctx.fmt.percent(s.probability_bp),
      ctx.fmt.number(s.opportunities),
      money(ctx, s.amount),
      money(ctx, s.weighted),
    ]),
  );
  if (rows.length) box.append(table(ctx, "Open deals by stage", ["Stage", "Probability", "Deals", "Value", "Weighted"], rows));
  return box;
}

function kpiValue(ctx, line, value) {
  switch (line.unit) {
    case "minor_units":
      return ctx.fmt.money({ currency: line.currency || "EUR", amount_minor: value });
    case "basis_points":
      return ctx.fmt.percent(value);
    case "csat_hundredths":
      return (Number(value) / 100).toFixed(2);
    default:
      return ctx.fmt.number(value);
  }
}

function scorecardSection(ctx, overview) {
  const el = ctx.el;
  const box = pageSection(ctx, "rep", "scorecard", "Scorecard");
  const card = overview.scorecard;
  if (!card) {
    box.append(missing(ctx, overview, "scorecard"));
    return box;
  }
  box.append(
    el(
      "div",
      { class: "kpis" },
      figure(ctx, "Total score", ctx.fmt.number(card.total_score), "scorecard-total"),
      figure(ctx, "Status", card.published ? `published ${card.published_time ? ctx.fmt.date(card.published_time) : ""}`.trim() : "live preview (not published)", "scorecard-status"),
    ),
  );
  const lines = card.lines || [];
  if (!lines.length) {
    box.append(el("p", { text: "No KPIs in this scorecard." }));
    return box;
  }
  const { box: chart, canvas } = chartBox(ctx, "Scorecard chart: each KPI's score out of 100; the table below has every figure.");
  box.append(chart);
  ctx.charts.make(canvas, {
    type: "bar",
    data: {
      labels: lines.map((l) => l.name || l.kpi_code),
      datasets: [{ label: "Score (0-100)", data: lines.map((l) => l.score), backgroundColor: "#0072B2" }],
    },
    options: {
      indexAxis: "y",
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: { min: 0, max: 100 } },
      plugins: { legend: { display: false } },
    },
  });
  const rows = lines.map((l) =>
    row(ctx, `kpi-${l.kpi_code}`, [
      l.name || l.kpi_code,
      l.scored ? kpiValue(ctx, l, l.value) : "no data",
      l.scored ? kpiValue(ctx, l, l.target) : "no target",
      ctx.fmt.number(l.score),
      ctx.fmt.percent(l.weight_bp),
      l.note || "",
    ]),
  );
  box.append(table(ctx, "KPIs: value, target, score and weight", ["KPI", "Value", "Target", "Score", "Weight", "Note"], rows));
  return box;
}

function explain(ctx, line) {
  const x = line.explanation;
  if (!x) return "";
  const parts = [];
  if (x.rule) parts.push(`rule ${x.rule}`);
  if (x.basis_minor) parts.push(`on ${ctx.fmt.money({ currency: line.amount ? line.amount.currency : "EUR", amount_minor: x.basis_minor })}`);
  if (x.rate_bp) parts.push(`at ${ctx.fmt.percent(x.rate_bp)}`);
  if (x.tier_from_bp || x.tier_to_bp) parts.push(`tier ${ctx.fmt.percent(x.tier_from_bp)}–${ctx.fmt.percent(x.tier_to_bp)}`);
  if (x.attainment_bp) parts.push(`attainment ${ctx.fmt.percent(x.attainment_bp)}`);
  if (x.kpi_code) parts.push(`KPI ${x.kpi_code} score ${x.kpi_score}`);
  if (x.previous_amount_minor) parts.push(`previously ${x.previous_amount_minor}`);
  if (x.credit_ids && x.credit_ids.length) parts.push(`${x.credit_ids.length} credit(s)`);
  if (x.dispute_id) parts.push(`dispute ${x.dispute_id}`);
  return parts.join(", ");
}

async function commissionSection(ctx, overview) {
  const el = ctx.el;
  const box = pageSection(ctx, "rep", "commission", "Commission to date", "span-12");
  const commission = overview.commission;
  if (!commission) {
    box.append(missing(ctx, overview, "commission"));
    return box;
  }
  box.append(
    el(
      "div",
      { class: "kpis" },
      figure(ctx, "Commission to date", commission.totals.map((t) => money(ctx, t)).join(" + ") || "none yet", "commission-total"),
    ),
  );
  if (!commission.statements.length) {
    box.append(el("p", { text: "No statement calculated for this period yet." }));
    return box;
  }
  for (const summary of commission.statements) {
    const holder = el(
      "div",
      { class: "statement", "data-testid": `statement-${summary.statement_id}` },
      el("h3", {
        text: `Statement ${summary.period_code} (version ${summary.version}): ${money(ctx, summary.total)}, attainment ${ctx.fmt.percent(summary.attainment_bp)}`,
      }),
    );
    box.append(holder);
    try {
      const statement = await ctx.api.get(`/v1/commission-statements/${encodeURIComponent(summary.statement_id)}`);
      const rows = [...statement.lines]
        .sort((a, b) => a.sequence - b.sequence)
        .map((l) => row(ctx, `statement-line-${l.line_id}`, [l.kind, l.description, money(ctx, l.amount), explain(ctx, l)]));
      holder.append(
        el("p", {
          class: "muted",
          text: `Revenue ${money(ctx, statement.revenue)} against quota ${money(ctx, statement.quota)}; calculated ${statement.calculated_at ? ctx.fmt.datetime(statement.calculated_at) : "—"}`,
        }),
        table(ctx, "Statement lines, explained", ["Kind", "Line", "Amount", "How it was computed"], rows),
      );
    } catch (error) {
      const problem = el("div", { class: "section-problem" });
      ctx.showProblem(problem, error);
      holder.append(problem);
    }
  }
  return box;
}

function trainingSection(ctx, overview) {
  const el = ctx.el;
  const box = pageSection(ctx, "rep", "training", "Training readiness");
  const training = overview.training;
  if (!training) {
    box.append(missing(ctx, overview, "training"));
    return box;
  }
  box.append(
    el(
      "div",
      { class: "kpis" },
      figure(ctx, "Readiness", training.has_profile ? ctx.fmt.percent(training.readiness_index_bp) : "no skill profile", "training-readiness"),
      figure(ctx, "Skills held / required", `${training.held_skills} / ${training.required_skills}`, "training-skills"),
      figure(ctx, "Open enrollments", ctx.fmt.number(training.open_enrollments.length), "training-open-count"),
    ),
  );
  const rows = training.open_enrollments.map((e) =>
    row(ctx, `enrollment-${e.enrollment_id}`, [
      e.course_title || e.course_id,
      e.status,
      `${e.progress_pct} %`,
      e.due_on ? ctx.fmt.date(e.due_on) : "—",
      e.required ? "required" : "optional",
    ]),
  );
  if (rows.length) box.append(table(ctx, "Open enrollments", ["Course", "Status", "Progress", "Due", "Required"], rows));
  return box;
}

function coachingSection(ctx, coaching) {
  const el = ctx.el;
  const box = pageSection(ctx, "rep", "coaching", "Coaching actions", "span-12");
  if (coaching.error) {
    const problem = el("div", { class: "section-problem" });
    ctx.showProblem(problem, coaching.error);
    box.append(problem);
    return box;
  }
  const actions = [];
  for (const s of coaching.sessions) for (const a of s.actions || []) actions.push({ session: s, action: a });
  if (!actions.length) {
    box.append(el("p", { "data-testid": "coaching-none", text: `No coaching actions (${coaching.sessions.length} session(s)).` }));
    return box;
  }
  actions.sort((x, y) => Number(x.action.completed) - Number(y.action.completed) || (x.action.due_date || "").localeCompare(y.action.due_date || ""));
  const canComplete = ctx.can(...WRITERS);
  const rows = actions.map(({ session, action }) => {
    const state = action.completed ? "done" : action.overdue ? "overdue" : "open";
    let cell = el("span", { text: "" });
    if (!action.completed && canComplete) {
      const button = el("button", {
        type: "button",
        "aria-label": `Mark "${action.description}" done`,
        text: "Mark done",
      });
      button.addEventListener("click", async () => {
        button.disabled = true;
        try {
          await ctx.api.post(`/v1/coaching-actions/${encodeURIComponent(action.action_id)}:complete`, {});
          ctx.notify("Coaching action done", "info");
          status.textContent = "done";
          button.remove();
        } catch (error) {
          button.disabled = false;
          const problem = el("div", { class: "section-problem" });
          ctx.showProblem(problem, error);
          button.after(problem);
        }
      });
      cell = button;
    }
    const status = el("span", { text: state });
    return row(ctx, `coaching-action-${action.action_id}`, [
      action.description,
      session.focus_skill || "—",
      session.session_date ? ctx.fmt.date(session.session_date) : "—",
      action.due_date ? ctx.fmt.date(action.due_date) : "—",
      status,
      cell,
    ]);
  });
  box.append(table(ctx, "Coaching actions", ["Action", "Focus skill", "Session", "Due", "Status", "Mark done"], rows));
  return box;
}
