/** The report's only stylesheet (inlined: the file must render offline). System fonts only. */
export const REPORT_CSS = `
:root {
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa; --code: #f6f8fa;
  --passed: #1a7f37; --failed: #cf222e; --warning: #9a6700; --known: #8250df; --skipped: #8c959f;
  --bar: #0969da; --bar-light: #b6d7ff;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23; --code: #151b23;
    --passed: #3fb950; --failed: #f85149; --warning: #d29922; --known: #ab7df8; --skipped: #6e7681;
    --bar: #4493f8; --bar-light: #1f3a5f;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 20px 64px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; }
h4 { font-size: 13px; margin: 14px 0 6px; color: var(--muted); }
.mono, pre, code, .url, .method { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
.muted, .meta, .note, .ms { color: var(--muted); }
.ms { font-size: 12px; white-space: nowrap; }
header.run { display: flex; flex-wrap: wrap; gap: 16px 32px; align-items: center; justify-content: space-between; }
.run-meta { margin: 0; color: var(--muted); font-size: 13px; }
.run-meta .url { color: var(--fg); word-break: break-all; }
.verdict { display: inline-block; font-size: 20px; font-weight: 700; padding: 6px 16px; border-radius: 8px; color: #fff; }
.verdict-passed { background: var(--passed); }
.verdict-failed { background: var(--failed); }
.verdict-error { background: var(--warning); }
.verdict-interrupted { background: var(--warning); }
ul.run-notes { margin: 12px 0 0; padding: 6px 12px 6px 28px; border-left: 4px solid var(--warning); background: var(--panel); }
.fatal { border-left: 4px solid var(--warning); padding: 6px 12px; background: var(--panel); }
.counts { display: flex; flex-wrap: wrap; gap: 10px; margin: 16px 0 0; padding: 0; list-style: none; }
.counts li { border: 1px solid var(--line); border-radius: 8px; padding: 6px 14px; min-width: 96px; background: var(--panel); }
.counts .num { display: block; font-size: 20px; font-weight: 700; }
.counts .passed .num { color: var(--passed); } .counts .failed .num { color: var(--failed); }
.counts .warning .num { color: var(--warning); } .counts .known-failure .num { color: var(--known); }
.counts .skipped .num { color: var(--skipped); }
.chart-wrap { overflow-x: auto; }
.chart { display: block; width: 100%; height: auto; max-width: 972px; min-width: 680px; }
.chart text { fill: var(--fg); font-size: 13px; }
.chart text.value, .chart text.tick { fill: var(--muted); font-size: 12px; }
.chart text.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12px; }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.seg-passed { fill: var(--passed); } .seg-failed { fill: var(--failed); } .seg-warning { fill: var(--warning); }
.seg-known-failure { fill: var(--known); } .seg-skipped { fill: var(--skipped); } .seg-none { fill: var(--line); }
.bar-p95 { fill: var(--bar-light); } .bar-median { fill: var(--bar); }
.tick-max { stroke: var(--fg); stroke-width: 2; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; margin: 4px 0 8px; padding: 0; list-style: none; font-size: 12px; color: var(--muted); }
.legend .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
.swatch.passed { background: var(--passed); } .swatch.failed { background: var(--failed); } .swatch.warning { background: var(--warning); }
.swatch.known-failure { background: var(--known); } .swatch.skipped { background: var(--skipped); }
.swatch.median { background: var(--bar); } .swatch.p95 { background: var(--bar-light); } .swatch.max { background: var(--fg); width: 3px; }
table { border-collapse: collapse; }
a { color: var(--bar); }
.oin { width: 100%; }
.oin th, .oin td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
.oin td.step { color: var(--muted); width: 3em; }
.oin-verdict, .entra-verdict { font-weight: 600; }
.oin-verdict.ready, .entra-verdict.ready { color: var(--passed); } .oin-verdict.not-ready, .entra-verdict.not-ready { color: var(--failed); }
.toolbar { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0 12px; }
.toolbar button { font: inherit; font-size: 13px; padding: 3px 10px; border: 1px solid var(--line); border-radius: 6px;
  background: var(--panel); color: var(--fg); cursor: pointer; }
.toolbar button[aria-pressed="true"] { border-color: var(--bar); box-shadow: inset 0 0 0 1px var(--bar); }
details.check { border: 1px solid var(--line); border-left-width: 4px; border-radius: 6px; margin: 6px 0; background: var(--bg); }
details.check.status-passed { border-left-color: var(--passed); } details.check.status-failed { border-left-color: var(--failed); }
details.check.status-warning { border-left-color: var(--warning); } details.check.status-known-failure { border-left-color: var(--known); }
details.check.status-skipped { border-left-color: var(--skipped); }
details.check > summary { cursor: pointer; padding: 7px 10px; display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 10px; list-style: none; }
details.check > summary::-webkit-details-marker { display: none; }
details.check > summary::before { content: "▸"; color: var(--muted); width: 1em; }
details.check[open] > summary::before { content: "▾"; }
details.check[open] > summary { border-bottom: 1px solid var(--line); }
.check-title { font-weight: 600; flex: 1 1 320px; }
.check-id { color: var(--muted); font-size: 12px; }
.badge { display: inline-block; min-width: 92px; text-align: center; font-size: 11px; font-weight: 700; text-transform: uppercase;
  letter-spacing: .03em; padding: 1px 8px; border-radius: 10px; color: #fff; }
.badge-passed { background: var(--passed); } .badge-failed { background: var(--failed); } .badge-warning { background: var(--warning); }
.badge-known-failure { background: var(--known); } .badge-skipped { background: var(--skipped); }
.check-body { padding: 4px 14px 12px; }
.check-body p { margin: 6px 0; }
.skip-reason { color: var(--muted); font-style: italic; }
.failure { border: 1px solid var(--failed); border-radius: 6px; padding: 6px 10px; margin: 8px 0; }
.status-warning .failure { border-color: var(--warning); } .status-known-failure .failure { border-color: var(--known); }
.failure .assertion { font-weight: 600; margin: 2px 0 6px; }
.failure-detail th { text-align: left; vertical-align: top; padding: 2px 12px 2px 0; color: var(--muted); font-weight: 500; white-space: nowrap; }
.failure-detail td { padding: 2px 0; }
.failure-detail pre { margin: 0; display: inline-block; min-width: 10em; max-width: 100%; vertical-align: top; }
pre { background: var(--code); border: 1px solid var(--line); border-radius: 4px; padding: 6px 8px; margin: 4px 0;
  font-size: 12px; white-space: pre-wrap; word-break: break-word; max-height: 420px; overflow: auto; }
.exchange { border: 1px dashed var(--line); border-radius: 6px; padding: 6px 10px; margin: 8px 0; }
.exchange.shows-failure { border: 1px solid var(--failed); }
.exchange .line { font-size: 13px; word-break: break-all; }
.exchange .method { font-weight: 700; }
.exchange .response { margin-top: 6px; }
.http-status { font-weight: 700; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.http-status.s2xx { color: var(--passed); } .http-status.s4xx, .http-status.s5xx { color: var(--failed); }
.transport-error { color: var(--failed); }
.exchange-notes { margin: 4px 0; padding-left: 20px; color: var(--muted); font-size: 12px; }
.cleanup li { margin: 2px 0; }
[hidden] { display: none !important; }
`;
