// Building blocks the record pages share: a titled section card, a captioned table and its
// rows, a headline figure. Text is always set as text, never parsed as HTML.

// A card of `page` (e.g. "rep") named `name`, labelled by its own heading.
export function section(ctx, page, name, title, span = "span-6") {
  const id = `${page}-${name}-heading`;
  return ctx.el(
    "section",
    { class: `card ${span} ${page}-section`, "aria-labelledby": id, "data-testid": `section-${name}` },
    ctx.el("h2", { id, text: title }),
  );
}

// A table with a caption and column headers; `rows` are <tr> elements (see `row`).
export function table(ctx, caption, headers, rows) {
  const el = ctx.el;
  return el(
    "div",
    { class: "table-wrap" },
    el(
      "table",
      {},
      el("caption", { text: caption }),
      el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, ...rows),
    ),
  );
}

// A row whose cells are nodes or values; a missing or empty value shows as a dash.
export function row(ctx, testid, cells) {
  const el = ctx.el;
  return el(
    "tr",
    { "data-testid": testid },
    ...cells.map((cell) =>
      cell instanceof Node ? el("td", {}, cell) : el("td", { text: cell == null || cell === "" ? "—" : String(cell) }),
    ),
  );
}

// A headline figure: its label and its value (read by tests through `testid`).
export function figure(ctx, label, value, testid) {
  return ctx.el(
    "div",
    { class: "kpi" },
    ctx.el("span", { class: "kpi-label", text: label }),
    ctx.el("strong", { class: "kpi-value", "data-testid": testid, text: value }),
  );
}
