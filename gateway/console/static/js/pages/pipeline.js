// Pipeline board: a rep's or a team's open deals by stage, with the actions to move them on.
//
// #/pipeline?rep=<rep_id> | ?team=<unit_id> [&pipeline=<pipeline_id>]; without either, a rep
// sees their own deals and anyone else everything in their scope. Cards advance with a
// button (or by dragging to the next column); a stage gate's refusal is shown beside the card
// with every unmet rule. Win and lose open a small dialog. Actions a role may not take
// (an executive reads only) are not offered.

const WRITERS = ["rep", "manager", "director", "admin"];
// A card's facts: label and value side by side, the value below its label on a narrow card
// (styles set from JS: the CSP allows no inline style attributes).
const FACT_ROW_STYLE = { display: "flex", flexWrap: "wrap", columnGap: "0.5rem" };
const FACT_LABEL_STYLE = { flex: "0 0 4.5rem" };
const FACT_VALUE_STYLE = { flex: "1 1 6.5rem", margin: "0", minWidth: "0", overflowWrap: "break-word" };
const LOSS_REASONS = ["price", "timing", "no budget", "no decision", "lost to competitor", "product fit"];

export default {
  route: "pipeline",
  title: "Pipeline",
  roles: ["rep", "manager", "director", "executive", "admin"],
  async render(root, ctx) {
    const el = ctx.el;
    const params = ctx.params;
    const rep = params.get("rep") || "";
    const team = params.get("team") || "";
    const onlyPipeline = params.get("pipeline") || "";
    const isRep = ctx.can("rep") && !ctx.can("manager", "director", "executive", "admin");
    const canAct = ctx.can(...WRITERS);

    const heading = el("h1", { text: "Pipeline" });
    const scopeLine = el("p", { class: "muted", "data-testid": "pipeline-scope" });
    root.append(heading, scopeLine);
    if (!isRep) root.append(scopeForm(ctx, rep, team));

    // Whose deals: a rep named, a team's reps, or the signed-in rep's own.
    let owners = null; // null: everything in the caller's scope
    if (rep) {
      owners = [rep];
      scopeLine.textContent = `Open deals of rep ${rep}`;
    } else if (team) {
      const [reps, unit] = await Promise.all([
        ctx.api.getAll("/v1/reps", "reps", { team_unit_id: team, page_size: 500 }),
        ctx.api.get(`/v1/org-units/${encodeURIComponent(team)}`).catch(() => null),
      ]);
      owners = reps.map((r) => r.rep_id);
      scopeLine.textContent = `Open deals of team ${unit ? unit.name : team} (${owners.length} reps)`;
    } else if (ctx.can("rep")) {
      owners = [ctx.session.subject];
      scopeLine.textContent = "Your open deals";
    } else {
      scopeLine.textContent = "Open deals in your scope";
    }

    const query = { status: "open", page_size: 500 };
    if (onlyPipeline) query.pipeline_id = onlyPipeline;
    const lists = owners === null
      ? [await ctx.api.getAll("/v1/opportunities", "opportunities", query)]
      : await Promise.all(
          owners.map((owner) =>
            ctx.api.getAll("/v1/opportunities", "opportunities", { ...query, owner_id: owner }),
          ),
        );
    const deals = new Map();
    for (const list of lists) for (const opp of list) deals.set(opp.opportunity_id, opp);

    const pipelines = await ctx.api.getAll("/v1/pipelines", "pipelines", {});
    const used = new Set([...deals.values()].map((o) => o.pipeline_id));
    let shown = pipelines.filter((p) => (onlyPipeline ? p.pipeline_id === onlyPipeline : used.has(p.pipeline_id)));
    if (shown.length === 0 && pipelines.length) {
      shown = [pipelines.find((p) => p.pipeline_id === "new_business") || pipelines[0]];
    }
    const stagesOf = new Map();
    await Promise.all(
      shown.map(async (p) => {
        const body = await ctx.api.get(`/v1/pipelines/${encodeURIComponent(p.pipeline_id)}/stages`);
        const open = body.stages.filter((s) => s.kind === "open").sort((a, b) => a.position - b.position);
        stagesOf.set(p.pipeline_id, open);
      }),
    );

    const customers = await customerNames(ctx, [...deals.values()]);
    const problems = new Map(); // opportunity_id -> the ApiError of its last refused action
    const boards = el("div", { class: "pipeline-boards" });
    root.append(boards);
    const dialogs = el("div");
    root.append(dialogs);

    const state = { deals, problems, customers, stagesOf, shown, canAct };
    const draw = () => boards.replaceChildren(...shown.map((p) => board(ctx, p, state, actions)));
    // After an action the board is drawn again; focus stays on the deal that was acted on.
    const redraw = (focusId, focusAction) => {
      draw();
      if (!focusId) {
        // The card that had focus is gone (won or lost): back to the page's heading.
        heading.setAttribute("tabindex", "-1");
        heading.focus();
      } else {
        const target = boards.querySelector(
          `[data-testid="${focusAction}-${CSS.escape(focusId)}"]`,
        ) || boards.querySelector(`[data-testid="opportunity-${CSS.escape(focusId)}"]`);
        if (target) target.focus();
      }
    };

    const actions = {
      async advance(opp, targetStageId) {
        const body = targetStageId ? { target_stage_id: targetStageId } : {};
        try {
          const moved = await ctx.api.post(`/v1/opportunities/${encodeURIComponent(opp.opportunity_id)}:advance`, body);
          problems.delete(opp.opportunity_id);
          deals.set(moved.opportunity_id, moved);
          ctx.notify(`${moved.name} moved to ${moved.stage_name}`, "info");
          redraw(moved.opportunity_id, "advance");
        } catch (error) {
          problems.set(opp.opportunity_id, error);
          redraw(opp.opportunity_id, "advance");
        }
      },
      win(opp) {
        openWinDialog(ctx, dialogs, opp, (won) => {
          deals.delete(opp.opportunity_id);
          problems.delete(opp.opportunity_id);
          ctx.notify(`${opp.name} won: contract ${won.contract.contract_id} signed`, "info");
          redraw();
        });
      },
      lose(opp) {
        openLoseDialog(ctx, dialogs, opp, (lost) => {
          deals.delete(opp.opportunity_id);
          problems.delete(opp.opportunity_id);
          ctx.notify(`${opp.name} lost (${lost.loss_reason})`, "info");
          redraw();
        });
      },
    };
    draw();
  },
};

// --- scope chooser (managers and above) ------------------------------------------------------

function scopeForm(ctx, rep, team) {
  const el = ctx.el;
  const repInput = el("input", { id: "pipeline-rep", name: "rep", type: "text", list: "pipeline-rep-options", autocomplete: "off" });
  const teamInput = el("input", { id: "pipeline-team", name: "team", type: "text", list: "pipeline-team-options", autocomplete: "off" });
  repInput.value = rep;
  teamInput.value = team;
  const repOptions = el("datalist", { id: "pipeline-rep-options" });
  const teamOptions = el("datalist", { id: "pipeline-team-options" });
  const form = el(
    "form",
    { class: "filters", "aria-label": "Whose pipeline" },
    el("div", { class: "field" }, el("label", { for: "pipeline-rep", text: "Rep id" }), repInput, repOptions),
    el("div", { class: "field" }, el("label", { for: "pipeline-team", text: "Team unit id" }), teamInput, teamOptions),
    el("button", { type: "submit", text: "Show" }),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = {};
    if (repInput.value.trim()) params.rep = repInput.value.trim();
    else if (teamInput.value.trim()) params.team = teamInput.value.trim();
    ctx.navigate("pipeline", params);
  });
  // Suggestions from the caller's scope; the form works without them.
  ctx.api
    .getAll("/v1/reps", "reps", { status: "active", page_size: 500 })
    .then((reps) => repOptions.append(...reps.map((r) => el("option", { value: r.rep_id, label: r.name }))))
    .catch(() => {});
  ctx.api
    .getAll("/v1/org-units", "units", { page_size: 500 })
    .then((units) =>
      teamOptions.append(...units.filter((u) => u.kind === "team").map((u) => el("option", { value: u.unit_id, label: u.name }))),
    )
    .catch(() => {});
  return form;
}

async function customerNames(ctx, deals) {
  const ids = [...new Set(deals.map((o) => o.customer_id).filter(Boolean))];
  const names = new Map();
  await Promise.all(
    ids.map(async (id) => {
      try {
        const customer = await ctx.api.get(`/v1/customers/${encodeURIComponent(id)}`);
        names.set(id, customer.name);
      } catch {
        names.set(id, id); // out of scope or not known yet: the id still links
      }
    }),
  );
  return names;
}

// --- the board ------------------------------------------------------------------------------

function board(ctx, pipeline, state, actions) {
  const el = ctx.el;
  const stages = state.stagesOf.get(pipeline.pipeline_id) || [];
  const headingId = `board-${pipeline.pipeline_id}`;
  // One column per stage; on a narrow screen the board scrolls sideways (and can be focused
  // to scroll it from the keyboard).
  const grid = el("div", {
    class: "board-columns",
    role: "list",
    tabindex: "0",
    "aria-label": `${pipeline.name} stages`,
    style: {
      display: "grid",
      gridTemplateColumns: `repeat(${Math.max(stages.length, 1)}, minmax(10.5rem, 1fr))`,
      gap: "0.5rem",
      overflowX: "auto",
      alignItems: "start",
    },
  });

  stages.forEach((stage, index) => {
    const next = stages[index + 1] || null;
    const inStage = [...state.deals.values()]
      .filter((o) => o.pipeline_id === pipeline.pipeline_id && o.stage_id === stage.stage_id)
      .sort((a, b) => (a.expected_close_date || "9999").localeCompare(b.expected_close_date || "9999") || a.name.localeCompare(b.name));
    const column = el(
      "section",
      {
        class: "board-column card",
        role: "listitem",
        "aria-labelledby": `stage-h-${stage.stage_id}`,
        "data-testid": `stage-${stage.stage_id}`,
        "data-stage": stage.stage_id,
      },
      el(
        "h3",
        { id: `stage-h-${stage.stage_id}` },
        `${stage.name} `,
        el("span", { class: "badge", "data-testid": `stage-count-${stage.stage_id}`, text: String(inStage.length) }),
      ),
      el("p", { class: "muted", "data-testid": `stage-total-${stage.stage_id}`, text: totals(ctx, inStage) || "—" }),
    );
    column.style.minHeight = "6rem";
    column.style.padding = "0.5rem";
    const cards = el("ul", { class: "board-cards", "aria-label": `Deals in ${stage.name}` });
    cards.style.listStyle = "none";
    cards.style.padding = "0";
    cards.style.margin = "0";
    for (const opp of inStage) cards.append(card(ctx, opp, stage, next, state, actions));
    column.append(cards);
    if (state.canAct) acceptDrops(ctx, column, stage, stages, index, state, actions);
    grid.append(column);
  });

  return el(
    "section",
    { class: "pipeline-board", "aria-labelledby": headingId, "data-testid": `pipeline-${pipeline.pipeline_id}` },
    el("h2", { id: headingId, text: pipeline.name }),
    stages.length ? grid : el("p", { text: "This pipeline has no open stages." }),
  );
}

function totals(ctx, deals) {
  const sums = new Map();
  for (const opp of deals) {
    if (!opp.amount) continue;
    sums.set(opp.amount.currency, (sums.get(opp.amount.currency) || 0) + Number(opp.amount.amount_minor));
  }
  return [...sums.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amount]) => ctx.fmt.money({ currency, amount_minor: amount }))
    .join(" + ");
}

function card(ctx, opp, stage, next, state, actions) {
  const el = ctx.el;
  const id = opp.opportunity_id;
  const customerName = state.customers.get(opp.customer_id) || opp.customer_id;
  const item = el(
    "li",
    {
      class: "deal-card card",
      "data-testid": `opportunity-${id}`,
      "data-stage": opp.stage_id,
      tabindex: "-1",
      "aria-label": `${opp.name}, ${customerName}`,
    },
    el("h4", { class: "deal-name", "data-testid": "opportunity-name", text: opp.name, style: { margin: "0 0 0.35rem" } }),
    el(
      "dl",
      { class: "deal-facts", style: { margin: "0 0 0.5rem" } },
      fact(
        ctx,
        "Customer",
        el("a", {
          href: `#/customer?id=${encodeURIComponent(opp.customer_id)}`,
          "data-testid": "opportunity-customer",
          text: customerName,
        }),
      ),
      fact(ctx, "Amount", opp.amount ? ctx.fmt.money(opp.amount) : "—", "opportunity-amount"),
      fact(
        ctx,
        "Close",
        opp.expected_close_date ? ctx.fmt.date(opp.expected_close_date) : "not set",
        "opportunity-close-date",
      ),
      fact(
        ctx,
        "Owner",
        el("a", { href: `#/rep?id=${encodeURIComponent(opp.owner_id)}`, "data-testid": "opportunity-owner", text: opp.owner_id }),
      ),
    ),
  );
  item.style.marginBottom = "0.5rem";
  item.style.padding = "0.5rem";

  if (state.canAct) {
    item.draggable = true;
    item.addEventListener("dragstart", (event) => {
      event.dataTransfer.setData("text/plain", id);
      event.dataTransfer.effectAllowed = "move";
    });
    const buttons = el("div", { class: "deal-actions", role: "group", "aria-label": `Actions for ${opp.name}` });
    if (next) {
      buttons.append(
        el("button", {
          type: "button",
          "data-testid": `advance-${id}`,
          "aria-label": `Advance ${opp.name} to ${next.name}`,
          text: "Advance",
          onclick: () => actions.advance(opp),
        }),
      );
    }
    buttons.append(
      el("button", {
        type: "button",
        "data-testid": `win-${id}`,
        "aria-label": `Win ${opp.name}`,
        text: "Win",
        onclick: () => actions.win(opp),
      }),
      el("button", {
        type: "button",
        "data-testid": `lose-${id}`,
        "aria-label": `Lose ${opp.name}`,
        text: "Lose",
        onclick: () => actions.lose(opp),
      }),
    );
    buttons.style.display = "flex";
    buttons.style.flexWrap = "wrap";
    buttons.style.gap = "0.25rem";
    item.append(buttons);
  }

  const problem = state.problems.get(id);
  if (problem) {
    const box = el("div", { class: "deal-problem", "data-testid": `problem-${id}`, style: { overflowWrap: "anywhere" } });
    ctx.showProblem(box, problem);
    item.append(box);
  }
  return item;
}

function fact(ctx, label, value, testid) {
  const el = ctx.el;
  const dd = value instanceof Node
    ? el("dd", { style: FACT_VALUE_STYLE }, value)
    : el("dd", { style: FACT_VALUE_STYLE, "data-testid": testid, text: value });
  return el("div", { style: FACT_ROW_STYLE }, el("dt", { class: "muted", style: FACT_LABEL_STYLE, text: label }), dd);
}

// Dragging a card onto the next column advances it there (the buttons do the same).
function acceptDrops(ctx, column, stage, stages, index, state, actions) {
  const allowed = (id) => {
    const opp = state.deals.get(id);
    if (!opp) return null;
    const from = stages.findIndex((s) => s.stage_id === opp.stage_id);
    return from === index - 1 ? opp : null;
  };
  column.addEventListener("dragover", (event) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    column.classList.add("drop-target");
  });
  column.addEventListener("dragleave", () => column.classList.remove("drop-target"));
  column.addEventListener("drop", (event) => {
    event.preventDefault();
    column.classList.remove("drop-target");
    const id = event.dataTransfer.getData("text/plain");
    const opp = allowed(id);
    if (opp) actions.advance(opp, stage.stage_id);
    else if (state.deals.has(id) && state.deals.get(id).stage_id !== stage.stage_id) {
      ctx.notify("A deal moves one stage at a time: drop it on the next column.", "error");
    }
  });
}

// --- dialogs --------------------------------------------------------------------------------

function dialogShell(ctx, host, title, testid) {
  const el = ctx.el;
  const titleId = `${testid}-title`;
  const dialog = el("dialog", { class: "dialog", "aria-labelledby": titleId, "data-testid": testid });
  const problem = el("div", { class: "dialog-problem" });
  dialog.append(el("h2", { id: titleId, text: title }), problem);
  host.replaceChildren(dialog);
  dialog.addEventListener("close", () => dialog.remove());
  return { dialog, problem };
}

function today() {
  return new Date().toISOString().slice(0, 10);
}

function openLoseDialog(ctx, host, opp, done) {
  const el = ctx.el;
  const { dialog, problem } = dialogShell(ctx, host, `Lose ${opp.name}`, "lose-dialog");
  const reasons = el("datalist", { id: "loss-reasons" }, ...LOSS_REASONS.map((r) => el("option", { value: r })));
  const competitors = el("datalist", { id: "loss-competitors" });
  const reason = el("input", { id: "loss-reason", name: "reason", type: "text", required: "", list: "loss-reasons", maxlength: "500" });
  const competitor = el("input", { id: "loss-competitor", name: "competitor", type: "text", list: "loss-competitors" });
  reason.required = true;
  const submit = el("button", { type: "submit", text: "Mark as lost" });
  const cancel = el("button", { type: "button", text: "Cancel", onclick: () => dialog.close() });
  const form = el(
    "form",
    { method: "dialog" },
    el("label", { for: "loss-reason", text: "Reason (required)" }),
    reason,
    reasons,
    el("label", { for: "loss-competitor", text: "Lost to competitor (optional)" }),
    competitor,
    competitors,
    el("div", { class: "dialog-actions" }, submit, cancel),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { reason: reason.value.trim() };
    if (!body.reason) {
      reason.focus();
      return;
    }
    if (competitor.value.trim()) body.competitor = competitor.value.trim();
    submit.disabled = true;
    try {
      const lost = await ctx.api.post(`/v1/opportunities/${encodeURIComponent(opp.opportunity_id)}:lose`, body);
      dialog.close();
      done(lost);
    } catch (error) {
      problem.replaceChildren();
      ctx.showProblem(problem, error);
      submit.disabled = false;
    }
  });
  dialog.append(form);
  dialog.showModal();
  reason.focus();
  // Known competitors as suggestions; the list is optional, so a failure is ignored.
  ctx.api
    .get("/v1/competitors", { page_size: 200 })
    .then((body) => {
      for (const c of body.competitors || []) competitors.append(el("option", { value: c.name }));
    })
    .catch(() => {});
}

async function openWinDialog(ctx, host, opp, done) {
  const el = ctx.el;
  const { dialog, problem } = dialogShell(ctx, host, `Win ${opp.name}`, "win-dialog");
  const body = el("div", { text: "Loading the deal's quotes…" });
  dialog.append(body);
  dialog.showModal();
  let quotes = [];
  try {
    quotes = await ctx.api.getAll("/v1/quotes", "quotes", { opportunity_id: opp.opportunity_id });
  } catch (error) {
    body.replaceChildren();
    ctx.showProblem(problem, error);
    dialog.append(el("button", { type: "button", text: "Close", onclick: () => dialog.close() }));
    return;
  }
  // A deal is won from an accepted quote; an approved one is accepted on the way.
  const usable = quotes.filter((q) => (q.status === "accepted" || q.status === "approved") && !q.expired);
  if (usable.length === 0) {
    body.replaceChildren(
      el("p", {
        text: "A deal is won from an accepted quote, and this deal has no approved or accepted quote yet. Create a quote and have it approved first.",
      }),
      el("button", { type: "button", text: "Close", onclick: () => dialog.close() }),
    );
    dialog.querySelector("button").focus();
    return;
  }
  const fieldset = el("fieldset", {}, el("legend", { text: "Quote" }));
  usable.forEach((q, i) => {
    const radioId = `win-quote-${i}`;
    const radio = el("input", { type: "radio", name: "quote", id: radioId, value: q.quote_id });
    if (i === 0) radio.checked = true;
    fieldset.append(
      el(
        "div",
        {},
        radio,
        el("label", {
          for: radioId,
          text: `v${q.version} — ${q.total ? ctx.fmt.money(q.total) : "—"} (${q.status}, valid until ${q.valid_until || "—"})`,
        }),
      ),
    );
  });
  const signed = el("input", { id: "win-signed", type: "date", name: "signed_date" });
  signed.value = today();
  const term = el("input", { id: "win-term", type: "number", name: "term_months", min: "1", max: "120" });
  term.value = "12";
  const submit = el("button", { type: "submit", text: "Mark as won" });
  const form = el(
    "form",
    { method: "dialog" },
    fieldset,
    el("div", { class: "field" }, el("label", { for: "win-signed", text: "Signed on" }), signed),
    el("label", { for: "win-term", text: "Term (months)" }),
    term,
    el("div", { class: "dialog-actions" }, submit, el("button", { type: "button", text: "Cancel", onclick: () => dialog.close() })),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = form.querySelector("input[name=quote]:checked");
    const quote = usable.find((q) => q.quote_id === chosen.value);
    submit.disabled = true;
    try {
      if (quote.status === "approved") {
        await ctx.api.post(`/v1/quotes/${encodeURIComponent(quote.quote_id)}:accept`, {});
      }
      const request = { quote_id: quote.quote_id };
      if (signed.value) request.signed_date = signed.value;
      if (term.value) request.term_months = Number(term.value);
      const won = await ctx.api.post(`/v1/opportunities/${encodeURIComponent(opp.opportunity_id)}:win`, request);
      dialog.close();
      done(won);
    } catch (error) {
      problem.replaceChildren();
      ctx.showProblem(problem, error);
      submit.disabled = false;
    }
  });
  body.replaceChildren(form);
  fieldset.querySelector("input").focus();
}
