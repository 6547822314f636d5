// Plans and quotas (#/plans): the plans of a region with their status, or, with
// `?id=`, one plan's targets allocated down the org tree with the roll-up and the
// actuals, and the approval actions the signed-in person may take on it.
//
// Who may do what (docs/security.md, services/planning): submit and activate are
// writes by anyone writing in the region (rep, manager, director, admin); approve and
// reject need a manager, director or admin (the service narrows a manager to the
// manager of the plan unit's parent). An executive reads only.

const WRITERS = ["rep", "manager", "director", "admin"];
const APPROVERS = ["manager", "director", "admin"];
const STATUSES = ["draft", "submitted", "approved", "active", "closed"];
const METRIC_LABELS = {
  revenue: "Revenue",
  units: "Units",
  new_customers: "New customers",
  market_share_bp: "Market share",
  activity_count: "Activities",
};
// The attainment of at most this many units is fetched for a plan (one call per unit).
const MAX_ATTAINMENT_CALLS = 40;

// The actions of a plan in each status: [action, label, roles].
const ACTIONS = {
  draft: [["submit", "Submit for approval", WRITERS]],
  submitted: [
    ["approve", "Approve", APPROVERS],
    ["reject", "Reject…", APPROVERS],
  ],
  approved: [["activate", "Activate", WRITERS]],
};

function compact(query) {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value));
}

// A table in its scrolling wrapper (narrow screens scroll it sideways, not the page).
function dataTable(ctx, attrs, caption, headers, rows) {
  return ctx.el(
    "div",
    { class: "table-wrap" },
    ctx.el(
      "table",
      attrs,
      ctx.el("caption", { text: caption }),
      ctx.el("thead", {}, ctx.el("tr", {}, ...headers.map((h) => ctx.el("th", { scope: "col", text: h })))),
      ctx.el("tbody", {}, ...rows),
    ),
  );
}

function statusBadge(ctx, status, testid) {
  return ctx.el("span", { class: `badge status-${status}`, "data-testid": testid, text: status });
}

// --- the list of plans -------------------------------------------------------------------

async function renderList(root, ctx) {
  const region = ctx.params.get("region") || ctx.defaultRegion || "";
  const status = ctx.params.get("status") || "";
  root.append(ctx.el("h1", { text: "Plans and quotas" }));

  const regionInput = ctx.el("input", { id: "plans-region", name: "region" });
  regionInput.value = region;
  regionInput.setAttribute("list", "plans-regions");
  const regionList = ctx.el("datalist", { id: "plans-regions" });
  for (const code of ctx.session.regions.filter((r) => r !== "*")) {
    const option = ctx.el("option");
    option.value = code;
    regionList.append(option);
  }
  const statusSelect = ctx.el("select", { id: "plans-status", name: "status" });
  for (const value of ["", ...STATUSES]) {
    const option = ctx.el("option", { text: value || "any status" });
    option.value = value;
    statusSelect.append(option);
  }
  statusSelect.value = status;
  const filters = ctx.el(
    "form",
    { class: "filters", "aria-label": "Filter plans" },
    ctx.el("div", { class: "field" }, ctx.el("label", { for: "plans-region", text: "Region" }), regionInput, regionList),
    ctx.el("div", { class: "field" }, ctx.el("label", { for: "plans-status", text: "Status" }), statusSelect),
    ctx.el("button", { type: "submit", class: "button", text: "Show" }),
  );
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.navigate("plans", compact({ region: regionInput.value.trim().toUpperCase(), status: statusSelect.value }));
  });
  root.append(filters);

  const problem = ctx.el("div", { class: "problem-box" });
  root.append(problem);
  let plans;
  let units = [];
  try {
    [plans, units] = await Promise.all([
      ctx.api.getAll("/v1/plans", "plans", compact({ region, status })),
      ctx.api.getAll("/v1/org-units", "units", compact({ region })).catch(() => []),
    ]);
  } catch (error) {
    ctx.showProblem(problem, error);
    return;
  }
  const unitName = new Map(units.map((u) => [u.unit_id, u.name]));
  if (plans.length === 0) {
    root.append(ctx.el("p", { "data-testid": "plans-empty", text: "No plans match these filters." }));
    return;
  }
  const rows = plans.map((plan) =>
    ctx.el(
      "tr",
      { "data-testid": `plan-${plan.plan_id}` },
      ctx.el(
        "td",
        {},
        ctx.el("a", {
          href: `#/plans?id=${encodeURIComponent(plan.plan_id)}`,
          text: unitName.get(plan.org_unit_id) || plan.org_unit_id,
        }),
      ),
      ctx.el("td", { text: plan.region }),
      ctx.el("td", { text: plan.period ? plan.period.code : "" }),
      ctx.el("td", { text: String(plan.plan_version) }),
      ctx.el("td", {}, statusBadge(ctx, plan.status, `plan-status-${plan.plan_id}`)),
      ctx.el("td", { text: plan.owner_id }),
      ctx.el("td", { text: plan.plan_id }),
    ),
  );
  root.append(
    dataTable(
      ctx,
      { class: "data", "data-testid": "plans-table" },
      `${plans.length} plan(s)`,
      ["Unit", "Region", "Period", "Version", "Status", "Owner", "Plan id"],
      rows,
    ),
  );
}

// --- one plan ----------------------------------------------------------------------------

// The plan unit's subtree as a list of nodes in display order (depth first), each
// {key, kind: "unit"|"rep", id, name, depth}; reps sit under their team.
function subtree(rootId, units, reps) {
  const byParent = new Map();
  for (const unit of units) {
    if (!byParent.has(unit.parent_id)) byParent.set(unit.parent_id, []);
    byParent.get(unit.parent_id).push(unit);
  }
  const repsByTeam = new Map();
  for (const rep of reps) {
    if (!repsByTeam.has(rep.team_unit_id)) repsByTeam.set(rep.team_unit_id, []);
    repsByTeam.get(rep.team_unit_id).push(rep);
  }
  const unitById = new Map(units.map((u) => [u.unit_id, u]));
  const nodes = [];
  const visit = (unitId, depth) => {
    const unit = unitById.get(unitId);
    nodes.push({ key: `unit:${unitId}`, kind: "unit", id: unitId, name: unit ? unit.name : unitId, depth });
    for (const rep of (repsByTeam.get(unitId) || []).sort((a, b) => a.rep_id.localeCompare(b.rep_id))) {
      nodes.push({ key: `rep:${rep.rep_id}`, kind: "rep", id: rep.rep_id, name: rep.name || rep.rep_id, depth: depth + 1 });
    }
    for (const child of (byParent.get(unitId) || []).sort((a, b) => a.code.localeCompare(b.code))) {
      visit(child.unit_id, depth + 1);
    }
  };
  visit(rootId, 0);
  return nodes;
}

// Attainment of every unit of the subtree, keyed "unit:<id>" / "rep:<id>" -> line per target id.
async function attainmentByNode(ctx, nodes, period) {
  const unitIds = nodes.filter((n) => n.kind === "unit").map((n) => n.id).slice(0, MAX_ATTAINMENT_CALLS);
  const answers = await Promise.allSettled(
    unitIds.map((id) => ctx.api.get("/v1/attainment", { org_unit: id, period })),
  );
  const lines = new Map(); // "<key>|<target_id>" -> AttainmentLine
  const keep = (key, list) => {
    for (const line of list || []) lines.set(`${key}|${line.target_id}`, line);
  };
  answers.forEach((answer, i) => {
    if (answer.status !== "fulfilled") return;
    keep(`unit:${unitIds[i]}`, answer.value.lines);
    for (const child of answer.value.children || []) {
      keep(child.rep_id ? `rep:${child.rep_id}` : `unit:${child.unit_id}`, child.lines);
    }
  });
  return { lines, failed: answers.filter((a) => a.status !== "fulfilled").length };
}

function targetValue(target) {
  return target.metric === "revenue" ? (target.amount ? target.amount.amount_minor : 0) : target.quantity;
}

function renderActions(root, ctx, plan, rerender) {
  const available = (ACTIONS[plan.status] || []).filter(([, , roles]) => ctx.can(...roles));
  const box = ctx.el("div", { class: "form-actions", role: "group", "aria-label": "Plan actions" });
  const problem = ctx.el("div", { class: "problem-box", "data-testid": "plan-problem" });
  if (available.length === 0) {
    root.append(box, problem);
    return;
  }
  const run = async (action, body, button) => {
    problem.replaceChildren();
    button.disabled = true;
    try {
      const updated = await ctx.api.post(`/v1/plans/${encodeURIComponent(plan.plan_id)}:${action}`, body);
      ctx.notify(`Plan ${updated.status}.`, "info");
      await rerender();
    } catch (error) {
      button.disabled = false;
      ctx.showProblem(problem, error);
    }
  };
  for (const [action, label] of available) {
    const button = ctx.el("button", {
      type: "button",
      class: action === "reject" ? "button secondary" : "button",
      "data-testid": `plan-action-${action}`,
      text: label,
    });
    if (action === "reject") {
      const reason = ctx.el("textarea", { id: "plan-reject-reason", name: "reason", rows: "3" });
      reason.required = true;
      const confirm = ctx.el("button", { type: "submit", class: "button", "data-testid": "plan-reject-confirm", text: "Reject plan" });
      const form = ctx.el(
        "form",
        { class: "reject-form", "aria-label": "Reject the plan" },
        ctx.el("label", { for: "plan-reject-reason", text: "Reason for rejecting (required)" }),
        reason,
        confirm,
      );
      form.hidden = true;
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        run("reject", { reason: reason.value.trim() }, confirm);
      });
      button.setAttribute("aria-expanded", "false");
      button.addEventListener("click", () => {
        form.hidden = !form.hidden;
        button.setAttribute("aria-expanded", String(!form.hidden));
        if (!form.hidden) reason.focus();
      });
      box.append(button, form);
    } else {
      button.addEventListener("click", () => run(action, {}, button));
      box.append(button);
    }
  }
  root.append(box, problem);
}

function renderTarget(root, ctx, plan, target, rollUp, nodes, attainment) {
  const tid = target.target_id;
  const money = target.metric === "revenue";
  const currency = (target.amount && target.amount.currency) || plan.currency;
  const show = (value) => {
    if (value === undefined || value === null) return "—";
    if (money) return ctx.fmt.money({ currency, amount_minor: value });
    return target.metric === "market_share_bp" ? ctx.fmt.percent(value) : ctx.fmt.number(value);
  };

  const section = ctx.el("section", { class: "target", "aria-labelledby": `target-h-${tid}`, "data-testid": `target-${tid}` });
  const heading = `${METRIC_LABELS[target.metric] || target.metric}${target.product_line ? ` — ${target.product_line}` : ""}`;
  section.append(
    ctx.el("h2", { id: `target-h-${tid}`, text: heading }),
    ctx.el(
      "p",
      {},
      "Target: ",
      ctx.el("strong", { "data-testid": `target-amount-${tid}`, text: show(targetValue(target)) }),
    ),
  );

  // Amounts known per node: each parent's line of the roll-up (its share and its
  // children's sum); a rep's or leaf unit's share from attainment once approved.
  const lineOf = new Map((rollUp ? rollUp.lines : []).map((line) => [`unit:${line.unit_id}`, line]));
  const rows = [];
  const chartRows = [];
  for (const node of nodes) {
    const line = lineOf.get(node.key);
    const reached = attainment.lines.get(`${node.key}|${tid}`);
    let share = line ? line.amount : undefined;
    if (share === undefined && node.depth === 0) share = targetValue(target);
    if (share === undefined && reached) share = money ? reached.target && reached.target.amount_minor : reached.target_quantity;
    const actual = reached ? (money ? reached.actual && reached.actual.amount_minor : reached.actual_quantity) : undefined;
    const nameCell = ctx.el("th", { scope: "row", class: `tree-${node.kind}` }, node.name);
    nameCell.style.paddingLeft = `${0.5 + node.depth * 1.25}rem`;
    const differenceCell = ctx.el("td", {
      "data-testid": `alloc-difference-${tid}-${node.id}`,
      text: line ? show(line.difference) : "—",
    });
    if (line && !line.adds_up) differenceCell.classList.add("warning");
    rows.push(
      ctx.el(
        "tr",
        { "data-testid": `alloc-${tid}-${node.id}`, "data-node-kind": node.kind },
        nameCell,
        ctx.el("td", { text: node.kind === "rep" ? "rep" : "unit" }),
        ctx.el("td", { class: "num", "data-testid": `alloc-amount-${tid}-${node.id}`, text: show(share) }),
        ctx.el("td", { class: "num", "data-testid": `alloc-children-${tid}-${node.id}`, text: line ? show(line.children_sum) : "—" }),
        differenceCell,
        ctx.el("td", { class: "num", "data-testid": `alloc-actual-${tid}-${node.id}`, text: show(actual) }),
        ctx.el("td", {
          class: "num",
          "data-testid": `alloc-percent-${tid}-${node.id}`,
          text: reached ? ctx.fmt.percent(reached.percent_bp) : "—",
        }),
      ),
    );
    if (node.depth === 1 && share !== undefined) chartRows.push({ name: node.name, share, actual: actual || 0 });
  }
  const tableId = `alloc-table-${tid}`;
  section.append(
    dataTable(
      ctx,
      { class: "data tree", id: tableId, "data-testid": `alloc-table-${tid}` },
      rollUp && !rollUp.adds_up ? "Allocation down the org tree (some shares do not add up)" : "Allocation down the org tree",
      ["Unit / rep", "Kind", "Target share", "Allocated to children", "Difference", "Actual", "Attainment"],
      rows,
    ),
  );
  if (attainment.failed) {
    section.append(ctx.el("p", { class: "partial-note", text: `Actuals could not be read for ${attainment.failed} unit(s).` }));
  }

  if (chartRows.length > 0) {
    const label = `${heading}: target share and actual of each unit one level below the plan's unit`;
    const canvas = ctx.el("canvas", { "aria-label": label, role: "img", "aria-describedby": tableId });
    section.append(
      ctx.el(
        "figure",
        {},
        ctx.el("figcaption", { text: "Target share and actual, one level below the plan's unit" }),
        ctx.el("div", { class: "chart-box short" }, canvas),
        ctx.el("p", { class: "muted", text: "The allocation table above holds the chart's figures." }),
      ),
    );
    const toNumber = (v) => (money ? ctx.fmt.moneyValue({ currency, amount_minor: v }) : v);
    const [first, second] = ctx.charts.palette || ["#0072B2", "#D55E00"];
    ctx.charts.make(canvas, {
      type: "bar",
      data: {
        labels: chartRows.map((r) => r.name),
        datasets: [
          { label: "Target share", data: chartRows.map((r) => toNumber(r.share)), backgroundColor: first },
          { label: "Actual", data: chartRows.map((r) => toNumber(r.actual)), backgroundColor: second },
        ],
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false },
    });
  }
  root.append(section);
}

async function renderPlan(root, ctx, planId) {
  const problem = ctx.el("div", { class: "problem-box" });
  let plan;
  try {
    plan = await ctx.api.get(`/v1/plans/${encodeURIComponent(planId)}`);
  } catch (error) {
    root.append(ctx.el("h1", { text: "Plan" }), problem);
    ctx.showProblem(problem, error);
    return;
  }
  const period = plan.period ? plan.period.code : "";
  const [targetsAnswer, unitsAnswer, repsAnswer] = await Promise.allSettled([
    ctx.api.getAll(`/v1/plans/${encodeURIComponent(planId)}/targets`, "targets"),
    ctx.api.getAll("/v1/org-units", "units", { region: plan.region }),
    ctx.api.getAll("/v1/reps", "reps", { region: plan.region }),
  ]);
  const units = unitsAnswer.status === "fulfilled" ? unitsAnswer.value : [];
  const reps = repsAnswer.status === "fulfilled" ? repsAnswer.value.filter((r) => r.status !== "left") : [];
  const unit = units.find((u) => u.unit_id === plan.org_unit_id);

  root.append(ctx.el("p", {}, ctx.el("a", { href: `#/plans?region=${encodeURIComponent(plan.region)}`, text: "← All plans" })));
  root.append(ctx.el("h1", { text: `Plan ${unit ? unit.name : plan.org_unit_id} ${period}` }));
  const facts = [
    ["Status", statusBadge(ctx, plan.status, "plan-status")],
    ["Region", plan.region],
    ["Version", String(plan.plan_version)],
    ["Owner", plan.owner_id],
    ["Currency", plan.currency],
  ];
  if (plan.approved_by) facts.push(["Approved by", plan.approved_by]);
  root.append(
    ctx.el(
      "ul",
      { class: "kpis", "data-testid": "plan-facts", "aria-label": "The plan" },
      ...facts.map(([term, value]) =>
        ctx.el("li", { class: "kpi" }, ctx.el("span", { class: "kpi-label", text: term }), ctx.el("span", { class: "kpi-value" }, value)),
      ),
    ),
  );
  if (plan.rejection_reason) {
    root.append(ctx.el("p", { "data-testid": "plan-rejection" }, ctx.el("strong", { text: "Last rejection: " }), plan.rejection_reason));
  }
  if (plan.strategy) root.append(ctx.el("p", {}, ctx.el("strong", { text: "Strategy: " }), plan.strategy));
  // After an action the page is read again, the section busy meanwhile.
  const rerender = async () => {
    root.setAttribute("aria-busy", "true");
    root.replaceChildren();
    try {
      await renderPlan(root, ctx, planId);
    } catch (error) {
      ctx.showProblem(root, error);
    } finally {
      root.setAttribute("aria-busy", "false");
    }
  };
  renderActions(root, ctx, plan, rerender);

  if (targetsAnswer.status !== "fulfilled") {
    root.append(problem);
    ctx.showProblem(problem, targetsAnswer.reason);
    return;
  }
  const targets = targetsAnswer.value;
  if (targets.length === 0) {
    root.append(ctx.el("p", { "data-testid": "targets-empty", text: "This plan has no targets yet." }));
    return;
  }
  if (unitsAnswer.status !== "fulfilled" || repsAnswer.status !== "fulfilled") {
    root.append(ctx.el("p", { class: "partial-note", text: "The org tree could not be read in full; some rows may be missing." }));
  }
  const nodes = subtree(plan.org_unit_id, units, reps);
  // Attainment counts only approved and active plans' targets.
  const counted = plan.status === "approved" || plan.status === "active";
  const [rollUps, attainment] = await Promise.all([
    Promise.allSettled(targets.map((t) => ctx.api.get(`/v1/targets/${encodeURIComponent(t.target_id)}/roll-up`))),
    counted && period ? attainmentByNode(ctx, nodes, period) : Promise.resolve({ lines: new Map(), failed: 0 }),
  ]);
  targets.forEach((target, i) => {
    const rollUp = rollUps[i].status === "fulfilled" ? rollUps[i].value : null;
    renderTarget(root, ctx, plan, target, rollUp, nodes, attainment);
    if (!rollUp) {
      const box = ctx.el("div", { class: "problem-box" });
      root.append(box);
      ctx.showProblem(box, rollUps[i].reason);
    }
  });
}

export default {
  route: "plans",
  title: "Plans",
  roles: ["manager", "director", "executive", "admin"],
  async render(root, ctx) {
    const id = ctx.params.get("id");
    if (id) await renderPlan(root, ctx, id);
    else await renderList(root, ctx);
  },
};
