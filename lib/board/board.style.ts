/** The board's style sheet, served by the board itself. */
export const BOARD_STYLE = `
:root { --bg: #f5f6f8; --card: #fff; --text: #1d2330; --muted: #667085; --line: #d9dde5; --accent: #2563eb;
  --up: #15803d; --down: #b91c1c; --chart: #2563eb; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
.top { display: flex; align-items: baseline; gap: 1rem; padding: 0.9rem 1.5rem; background: var(--card); border-bottom: 1px solid var(--line); }
.top h1 { margin: 0; font-size: 1.25rem; }
.mode { color: var(--muted); }
.updated { margin-left: auto; color: var(--muted); font-variant-numeric: tabular-nums; }
.banner { margin: 1rem 1.5rem 0; padding: 0.6rem 0.9rem; border-radius: 6px; background: #fee2e2; color: var(--down); }
main { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 720px), 1fr)); gap: 1.25rem; padding: 1.25rem 1.5rem; }
.bucket { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.25rem; }
.bucket > header { display: flex; align-items: center; gap: 0.5rem; }
.bucket h2 { margin: 0 auto 0 0; font-size: 1.1rem; }
.badge { padding: 0.1rem 0.55rem; border-radius: 999px; font-size: 0.8rem; border: 1px solid var(--line); color: var(--muted); }
.badge.up { color: var(--up); border-color: var(--up); }
.badge.down { color: #fff; background: var(--down); border-color: var(--down); }
.reasons { margin: 0.4rem 0 0; color: var(--down); }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 0.6rem 1rem; margin: 0.9rem 0; }
.stats div { min-width: 0; }
.stats dt { color: var(--muted); font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.03em; }
.stats dd { margin: 0; font-size: 1.05rem; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.stats dd.error { color: var(--down); font-size: 0.9rem; }
.charts { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0.75rem; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 0.5rem 0.6rem 0.3rem; }
figcaption { display: flex; justify-content: space-between; font-size: 0.8rem; color: var(--muted); }
figcaption .now { color: var(--text); font-weight: 600; font-variant-numeric: tabular-nums; }
svg.chart { display: block; width: 100%; height: 84px; }
svg.chart .grid { stroke: var(--line); stroke-width: 1; }
svg.chart .line { fill: none; stroke: var(--chart); stroke-width: 2; vector-effect: non-scaling-stroke; }
svg.chart .area { fill: var(--chart); opacity: 0.12; }
svg.chart .dot { fill: var(--chart); }
svg.chart text { font-size: 10px; fill: var(--muted); }
.tools { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; margin-top: 0.9rem; }
.tools input { flex: 1 1 12rem; min-width: 8rem; padding: 0.35rem 0.5rem; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
.tools select { padding: 0.3rem; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
button { padding: 0.35rem 0.8rem; border: 1px solid var(--accent); border-radius: 6px; background: var(--accent); color: #fff; font: inherit; cursor: pointer; }
button.secondary { background: transparent; color: var(--accent); }
button.danger { background: transparent; color: var(--down); border-color: var(--down); }
button:disabled { opacity: 0.5; cursor: progress; }
.lookup-result { margin: 0.5rem 0 0; font-size: 0.9rem; }
.lookup-result pre { margin: 0.3rem 0 0; padding: 0.5rem; max-height: 14rem; overflow: auto; background: var(--bg); border-radius: 6px; }
.message { min-height: 1.3em; margin: 0.6rem 0 0; color: var(--muted); font-size: 0.9rem; }
.message.error { color: var(--down); }
`;
