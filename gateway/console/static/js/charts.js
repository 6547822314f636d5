// Chart.js (vendored, loaded as a classic script: window.Chart) with the console's defaults.
// Every chart is tracked and destroyed when the route changes.

// Colour-blind-safe palette (Okabe-Ito), each at least 3:1 against white.
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
export const STATUS_COLOURS = { ahead: "#1A7F37", on_pace: "#0072B2", behind: "#B3261E" };

let configured = false;

function configure(Chart) {
  if (configured) return;
  configured = true;
  Chart.defaults.animation = false; // no motion: calmer, printable, and stable for tests
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.color = "#1f2328";
  Chart.defaults.font.family =
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';
  Chart.defaults.font.size = 13;
  Chart.defaults.plugins.legend.labels.boxWidth = 14;
}

export function createCharts() {
  const live = new Set();
  return {
    // A Chart on the canvas; the config is a plain Chart.js config.
    make(canvas, config) {
      const Chart = globalThis.Chart;
      if (!Chart) throw new Error("Chart.js did not load (vendor/chart.js/chart.umd.min.js)");
      configure(Chart);
      if (!canvas.hasAttribute("role")) canvas.setAttribute("role", "img");
      const chart = new Chart(canvas, config);
      live.add(chart);
      return chart;
    },
    destroyAll() {
      for (const chart of live) chart.destroy();
      live.clear();
    },
    // Print renders at the paper's width: resize every live chart before and after.
    resizeAll() {
      for (const chart of live) chart.resize();
    },
    palette: PALETTE,
    statusColours: STATUS_COLOURS,
  };
}
