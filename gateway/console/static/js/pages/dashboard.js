// Region dashboard: #/dashboard?region=EMEA&period=FY2026-Q4
//
// GET /v1/regions/{region}/dashboard?period= — plan vs actual by unit (attainment and pace),
// forecast vs target, the funnel and win rate, top and bottom performers, overdue cases,
// certification coverage and the month-by-month trend. Every chart has a table beside it.

import * as views from "../region-views.js";

export default {
  route: "dashboard",
  title: "Dashboard",
  roles: ["manager", "director", "executive", "admin"],
  async render(root, ctx) {
    const el = ctx.el;
    const scope = await views.resolveScope(ctx);
    const heading = el("h1", { text: scope.region ? `Dashboard: ${scope.region}, ${scope.period}` : "Dashboard" });
    root.append(heading, views.scopeForm(ctx, "dashboard", scope));
    if (!scope.region) {
      root.append(el("p", { "data-testid": "pick-region", text: "Choose a region to see its dashboard." }));
      return;
    }
    const path = `/v1/regions/${encodeURIComponent(scope.region)}/dashboard`;
    const [body, names] = await Promise.all([
      ctx.api.get(path, { period: scope.period }),
      views.repNames(ctx, scope.region),
    ]);
    root.append(
      el("p", { class: "muted", "data-testid": "generated-at" },
        `Figures as of ${ctx.fmt.datetime(body.generated_at)}. `,
        el("a", { href: ctx.href("report", { region: body.region, period: body.period }), text: "Open the printable report" })),
    );
    const notice = views.partialNotice(ctx, body);
    if (notice) root.append(notice);
    root.append(
      views.summary(ctx, body),
      views.grid(ctx, [
        [8, views.planVsActual(ctx, body)],
        [4, views.performers(ctx, body, body.period, names)],
        [12, views.forecast(ctx, body)],
        [6, views.funnel(ctx, body)],
        [6, views.winRate(ctx, body)],
        [6, views.trend(ctx, body)],
        [6, views.certificationCoverage(ctx, body)],
        [12, views.repsTable(ctx, body, body.period, names)],
        [12, views.overdueCases(ctx, body, names)],
      ]),
    );
  },
};
