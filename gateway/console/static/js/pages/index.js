import dashboard from "./dashboard.js"; import pipeline from "./pipeline.js";
import rep from "./rep.js"; import customer from "./customer.js";
import plans from "./plans.js"; import approvals from "./approvals.js";
import report from "./report.js";
export default [dashboard, pipeline, rep, customer, plans, approvals, report];
