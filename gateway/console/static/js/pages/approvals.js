// Approvals inbox (#/approvals): what waits for the signed-in person's decision.
//
// Sections, each shown only to the roles that may act on it (docs/security.md):
//   quotes over the submitter's discount authority   manager, director, admin
//   account ownership transfer requests               manager, director, admin
//   sales plans submitted for approval                manager, director, admin
//   open commission disputes                          manager, director, admin
//   appealed evaluations                              director
// The lists are read in parallel; a list that fails shows its problem in its own
// section and the others still render. A decided item leaves the inbox.
// A manager sees the items of their own team (the services refuse the rest anyway).

const DECIDERS = ["manager", "director", "admin"];

function describeError(error) {
  const problem = error && error.problem;
  if (problem) return [problem.title, problem.detail].filter(Boolean).join(": ");
  return (error && error.message) || "request failed";
}

function lastSubmitter(quote) {
  const submitted = (quote.decisions || []).filter((d) => d.kind === "submitted_for_approval");
  return submitted.length ? submitted[submitted.length - 1].decided_by : "";
}

// A manager's team, for the manager-only narrowing: the reps they manage, and the units
// whose parent unit they manage (the plans they approve). Null when it cannot be read:
// the manager then sees every item of their regions and the services decide.
async function teamOf(ctx) {
  try {
    const [reps, units] = await Promise.all([
      ctx.api.getAll("/v1/reps", "reps", {}),
      ctx.api.getAll("/v1/org-units", "units", {}),
    ]);
    const me = ctx.session.subject;
    const managed = new Set(units.filter((u) => u.manager_id === me).map((u) => u.unit_id));
    return {
      reps: new Set(reps.filter((r) => r.manager_id === me).map((r) => r.rep_id)),
      planUnits: new Set(units.filter((u) => managed.has(u.parent_id)).map((u) => u.unit_id)),
    };
  } catch {
    return null;
  }
}

// Unit id -> name for the plans' units (one org-unit list per region of those plans).
async function unitNames(ctx, plans) {
  const regions = [...new Set(plans.map((p) => p.region))];
  const answers = await Promise.allSettled(
    regions.map((region) => ctx.api.getAll("/v1/org-units", "units", { region })),
  );
  const names = new Map();
  for (const answer of answers) {
    if (answer.status === "fulfilled") for (const u of answer.value) names.set(u.unit_id, u.name);
  }
  return names;
}

function managerOnly(ctx) {
  return ctx.can("manager") && !ctx.can("director", "admin");
}

// --- the sections: how to list, show and decide each kind of item --------------------------

// `team`: a promise of the manager's team (null for other roles), read beside the lists.
function sections(ctx, team) {
  const money = (m) => (m ? ctx.fmt.money(m) : "—");
  const date = (iso) => (iso ? ctx.fmt.datetime(iso) : "—");
  return [
    {
      kind: "quote",
      title: "Quotes over discount authority",
      roles: DECIDERS,
      list: async () => {
        const [quotes, mine] = await Promise.all([
          ctx.api.getAll("/v1/quotes", "quotes", { status: "pending_approval" }),
          team,
        ]);
        // Nobody decides on a quote they submitted themselves.
        return quotes.filter(
          (q) => lastSubmitter(q) !== ctx.session.subject && (!mine || mine.reps.has(q.owner_id)),
        );
      },
      id: (q) => q.quote_id,
      columns: ["Quote", "Owner", "Total", "List total", "Discount", "Submitted by"],
      cells: (q) => [
        q.quote_id,
        q.owner_id,
        money(q.total),
        money(q.list_total),
        ctx.fmt.percent(q.effective_discount_bp),
        lastSubmitter(q) || "—",
      ],
      approve: (q, comment) => ctx.api.post(`/v1/quotes/${encodeURIComponent(q.quote_id)}:approve`, { comment }),
      reject: (q, comment) => ctx.api.post(`/v1/quotes/${encodeURIComponent(q.quote_id)}:reject`, { comment }),
    },
    {
      kind: "transfer",
      title: "Account transfer requests",
      roles: DECIDERS,
      list: async () => {
        const [transfers, mine] = await Promise.all([
          ctx.api.getAll("/v1/transfer-requests", "transfers", { status: "pending" }),
          team,
        ]);
        return transfers.filter((t) => !mine || mine.reps.has(t.from_owner_id));
      },
      id: (t) => t.transfer_id,
      columns: ["Customer", "From", "To", "Reason", "Requested by", "Requested"],
      cells: (t) => [t.customer_id, t.from_owner_id, t.to_owner_id, t.reason || "—", t.requested_by, date(t.request_time)],
      approve: (t, comment) =>
        ctx.api.post(`/v1/transfer-requests/${encodeURIComponent(t.transfer_id)}:approve`, { comment }),
      reject: (t, comment) =>
        ctx.api.post(`/v1/transfer-requests/${encodeURIComponent(t.transfer_id)}:reject`, { comment }),
    },
    {
      kind: "plan",
      title: "Plans submitted for approval",
      roles: DECIDERS,
      list: async () => {
        const [plans, mine] = await Promise.all([
          ctx.api.getAll("/v1/plans", "plans", { status: "submitted" }),
          team,
        ]);
        const waiting = plans.filter((p) => !mine || mine.planUnits.has(p.org_unit_id));
        const names = waiting.length ? await unitNames(ctx, waiting) : new Map();
        return waiting.map((plan) => ({ ...plan, unit_name: names.get(plan.org_unit_id) || "" }));
      },
      id: (p) => p.plan_id,
      columns: ["Plan", "Unit", "Region", "Period", "Version", "Owner"],
      cells: (p) => [
        ctx.el("a", { href: `#/plans?id=${encodeURIComponent(p.plan_id)}`, text: p.plan_id }),
        p.unit_name || p.org_unit_id,
        p.region,
        p.period ? p.period.code : "",
        String(p.plan_version),
        p.owner_id,
      ],
      approve: (p) => ctx.api.post(`/v1/plans/${encodeURIComponent(p.plan_id)}:approve`, {}),
      reject: (p, reason) => ctx.api.post(`/v1/plans/${encodeURIComponent(p.plan_id)}:reject`, { reason }),
    },
    {
      kind: "dispute",
      title: "Commission disputes",
      roles: DECIDERS,
      list: () => ctx.api.getAll("/v1/disputes", "disputes", { status: "open" }),
      id: (d) => d.dispute_id,
      columns: ["Dispute", "Rep", "Statement", "Reason", "Raised"],
      cells: (d) => [d.dispute_id, d.rep_id, d.statement_id, d.reason || "—", date(d.raised_at)],
      approveLabel: "Accept",
      approveNeedsComment: true,
      approve: (d, comment) =>
        ctx.api.post(`/v1/disputes/${encodeURIComponent(d.dispute_id)}:resolve`, { outcome: "accepted", comment }),
      reject: (d, comment) =>
        ctx.api.post(`/v1/disputes/${encodeURIComponent(d.dispute_id)}:resolve`, { outcome: "rejected", comment }),
    },
    {
      kind: "appeal",
      title: "Evaluation appeals",
      roles: ["director"],
      list: () => ctx.api.getAll("/v1/evaluations", "evaluations", { status: "appealed" }),
      id: (e) => e.evaluation_id,
      columns: ["Evaluation", "Rep", "Period", "Rating", "Appeal", "Appealed"],
      cells: (e) => [e.evaluation_id, e.rep_id, e.period_code, String(e.rating), e.appeal_reason || "—", date(e.appealed_time)],
      approveLabel: "Uphold",
      approveNeedsComment: true,
      rejectLabel: "Change rating…",
      newRating: true,
      approve: (e, comment) =>
        ctx.api.post(`/v1/evaluations/${encodeURIComponent(e.evaluation_id)}:resolve`, { outcome: "upheld", comment }),
      reject: (e, comment, rating) =>
        ctx.api.post(`/v1/evaluations/${encodeURIComponent(e.evaluation_id)}:resolve`, {
          outcome: "changed",
          comment,
          new_rating: rating,
        }),
    },
  ];
}

// --- rendering -------------------------------------------------------------------------------

function decisionForm(ctx, spec, item, which, onDone) {
  const id = `${spec.kind}-${which}-${spec.id(item)}`.replace(/[^A-Za-z0-9_-]/g, "_");
  const needsComment = which === "reject" || spec.approveNeedsComment;
  const label =
    spec.kind === "plan" && which === "reject" ? "Reason for rejecting (required)" : `Comment${needsComment ? " (required)" : ""}`;
  const comment = ctx.el("textarea", { id: `${id}-comment`, rows: "2", "data-testid": `${spec.kind}-${which}-comment-${spec.id(item)}` });
  comment.required = needsComment;
  const fields = [ctx.el("label", { for: `${id}-comment`, text: label }), comment];
  let rating = null;
  if (which === "reject" && spec.newRating) {
    rating = ctx.el("input", { id: `${id}-rating`, type: "number", min: "0", max: "5", step: "1" });
    rating.required = true;
    fields.unshift(ctx.el("label", { for: `${id}-rating`, text: "New rating (0–5)" }), rating);
  }
  const confirm = ctx.el("button", {
    type: "submit",
    class: "button",
    "data-testid": `${spec.kind}-${which}-confirm-${spec.id(item)}`,
    text: which === "approve" ? spec.approveLabel || "Approve" : "Confirm",
  });
  const form = ctx.el("form", { class: "decision-form", "aria-label": `${which} ${spec.id(item)}` }, ...fields, confirm);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    onDone(comment.value.trim(), rating ? Number(rating.value) : undefined, confirm);
  });
  return form;
}

function renderItem(ctx, spec, item, section) {
  const itemId = spec.id(item);
  const problem = ctx.el("div", { class: "problem-box", "data-testid": `${spec.kind}-problem-${itemId}` });
  const actions = ctx.el("div", { class: "form-actions", role: "group", "aria-label": `Decide ${itemId}` });
  const row = ctx.el(
    "tr",
    { "data-testid": `${spec.kind}-${itemId}` },
    ...spec.cells(item).map((cell) => ctx.el("td", {}, cell)),
    ctx.el("td", {}, actions, problem),
  );

  const decide = async (which, comment, rating, button) => {
    problem.replaceChildren();
    button.disabled = true;
    try {
      await spec[which](item, comment, rating);
      row.remove();
      section.update(-1);
      ctx.notify(`${spec.title}: ${itemId} decided.`, "info");
    } catch (error) {
      button.disabled = false;
      ctx.showProblem(problem, error);
    }
  };
  for (const which of ["approve", "reject"]) {
    const text = which === "approve" ? spec.approveLabel || "Approve" : spec.rejectLabel || "Reject…";
    const button = ctx.el("button", {
      type: "button",
      class: which === "approve" ? "button" : "button secondary",
      "data-testid": `${spec.kind}-${which}-${itemId}`,
      text,
    });
    const needsForm = which === "reject" || spec.approveNeedsComment;
    if (!needsForm) {
      button.addEventListener("click", () => decide(which, "", undefined, button));
      actions.append(button);
      continue;
    }
    const form = decisionForm(ctx, spec, item, which, (comment, rating, confirm) =>
      decide(which, comment, rating, confirm),
    );
    form.hidden = true;
    button.setAttribute("aria-expanded", "false");
    button.addEventListener("click", () => {
      form.hidden = !form.hidden;
      button.setAttribute("aria-expanded", String(!form.hidden));
      if (!form.hidden) form.querySelector("textarea, input").focus();
    });
    actions.append(button, form);
  }
  return row;
}

function renderSection(ctx, spec, answer) {
  const headingId = `inbox-${spec.kind}-h`;
  const count = ctx.el("span", { class: "muted", "data-testid": `inbox-count-${spec.kind}` });
  const section = ctx.el(
    "section",
    { class: "inbox-section", "aria-labelledby": headingId, "data-testid": `inbox-${spec.kind}` },
    ctx.el("h2", { id: headingId }, `${spec.title} `, count),
  );
  if (answer.status !== "fulfilled") {
    count.textContent = "";
    section.append(
      ctx.el("p", {
        class: "partial-note",
        role: "status",
        "data-testid": `inbox-error-${spec.kind}`,
        text: `This list could not be read: ${describeError(answer.reason)}`,
      }),
    );
    return section;
  }
  const items = answer.value;
  const empty = ctx.el("p", { class: "muted", "data-testid": `inbox-empty-${spec.kind}`, text: "Nothing waiting." });
  const tbody = ctx.el("tbody");
  let remaining = items.length;
  const state = {
    update(delta) {
      remaining += delta;
      count.textContent = `(${remaining})`;
      table.hidden = remaining === 0;
      empty.hidden = remaining !== 0;
    },
  };
  const table = ctx.el(
    "table",
    { class: "data" },
    ctx.el(
      "thead",
      {},
      ctx.el("tr", {}, ...[...spec.columns, "Decision"].map((h) => ctx.el("th", { scope: "col", text: h }))),
    ),
    tbody,
  );
  for (const item of items) tbody.append(renderItem(ctx, spec, item, state));
  section.append(ctx.el("div", { class: "table-wrap" }, table), empty);
  state.update(0);
  return section;
}

export default {
  route: "approvals",
  title: "Approvals",
  roles: DECIDERS,
  async render(root, ctx) {
    root.append(ctx.el("h1", { text: "Approvals" }));
    const team = managerOnly(ctx) ? teamOf(ctx) : Promise.resolve(null);
    const mine = sections(ctx, team).filter((spec) => ctx.can(...spec.roles));
    if (mine.length === 0) {
      root.append(ctx.el("p", { "data-testid": "inbox-none", text: "Your roles have nothing to approve." }));
      return;
    }
    const answers = await Promise.allSettled(mine.map((spec) => spec.list()));
    mine.forEach((spec, i) => root.append(renderSection(ctx, spec, answers[i])));
  },
};
