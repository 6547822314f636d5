// The periodic sales report: #/report?region=EMEA&period=FY2026-Q4
//
// GET /v1/regions/{region}/report?format=json (the dashboard's data) rendered as a printable
// document with charts; the API's own HTML and CSV renderings are offered as downloads
// (fetched with the bearer token, then saved from a blob).

import * as views from "../region-views.js";

function saveBlob(ctx, { blob, filename }) {
  const url = URL.createObjectURL(blob);
  const link = ctx.el("a", { href: url, download: filename, class: "sr-only", text: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export default {
  route: "report",
  title: "Report",
  roles: ["manager", "director", "executive", "admin"],
  async render(root, ctx) {
    const el = ctx.el;
    const scope = await views.resolveScope(ctx);
    root.classList.add("report");
    const heading = el("h1", { text: scope.region ? `Sales report: ${scope.region}, ${scope.period}` : "Sales report" });
    root.append(heading, views.scopeForm(ctx, "report", scope));
    if (!scope.region) {
      root.append(el("p", { "data-testid": "pick-region", text: "Choose a region to see its report." }));
      return;
    }
    const path = `/v1/regions/${encodeURIComponent(scope.region)}/report`;
    const [body, names] = await Promise.all([
      ctx.api.get(path, { period: scope.period, format: "json" }),
      views.repNames(ctx, scope.region),
    ]);

    const download = (format, label) => {
      const button = el("button", { type: "button", class: "button secondary", "data-testid": `download-${format}`, text: label });
      button.addEventListener("click", async () => {
        button.disabled = true;
        try {
          const fallback = `sales-report-${body.region}-${body.period}.${format}`.toLowerCase();
          saveBlob(ctx, await ctx.api.blob(path, { period: body.period, format }, { accept: format === "csv" ? "text/csv" : "text/html", filename: fallback }));
          ctx.notify(`The ${format.toUpperCase()} report is downloading.`, "info");
        } catch (error) {
          ctx.notify(`The ${format.toUpperCase()} report could not be fetched: ${error.message}`, "error");
        } finally {
          button.disabled = false;
        }
      });
      return button;
    };
    const print = el("button", { type: "button", class: "button", "data-testid": "print", text: "Print" });
    print.addEventListener("click", () => window.print());
    root.append(
      el("div", { class: "form-actions no-print", role: "group", "aria-label": "Report actions" },
        print, download("html", "Download HTML"), download("csv", "Download CSV")),
      el("p", { class: "muted", "data-testid": "generated-at" },
        `Region ${body.region}, fiscal period ${body.period}. Generated ${ctx.fmt.datetime(body.generated_at)}.`),
    );
    const notice = views.partialNotice(ctx, body);
    if (notice) root.append(notice);
    root.append(
      views.summary(ctx, body),
      views.grid(ctx, [
        [12, views.planVsActual(ctx, body)],
        [12, views.repsTable(ctx, body, body.period, names)],
        [12, views.performers(ctx, body, body.period, names, { full: true })],
        [12, views.forecast(ctx, body)],
        [6, views.funnel(ctx, body)],
        [6, views.winRate(ctx, body)],
        [12, views.trend(ctx, body)],
        [6, views.overdueCases(ctx, body, names)],
        [6, views.certificationCoverage(ctx, body)],
      ]),
    );
  },
};
