/** The Console window's CSS; it lives in the Console's own Shadow DOM root. */
export const CSS = `.fd-console{position:fixed;width:440px;max-width:calc(100vw - 16px);max-height:85vh;
overflow:auto;background:var(--fd-bg);color:var(--fd-fg);border:1px solid var(--fd-border);
border-radius:var(--fd-radius);box-shadow:var(--fd-shadow)}
.fd-bar{display:flex;align-items:center;gap:8px;padding:6px 8px;background:var(--fd-surface);
border-bottom:1px solid var(--fd-border);cursor:move;user-select:none}
.fd-bar h2{flex:1;margin:0;font-size:15px}
.fd-section{padding:8px 10px;border-bottom:1px solid var(--fd-border)}
.fd-section h3{margin:0 0 6px;font-size:13px;text-transform:uppercase;color:var(--fd-muted)}
.fd-row{display:flex;gap:6px;align-items:end;margin-bottom:6px;flex-wrap:wrap}
.fd-row label{display:flex;flex-direction:column;font-size:12px;color:var(--fd-muted);flex:1}
.fd-row select{min-width:0}
.fd textarea{width:100%;min-height:60px;font-family:ui-monospace,monospace;font-size:12px}
.fd-out{margin:6px 0 0;padding:6px;background:var(--fd-surface);border-radius:6px;white-space:pre-wrap;
word-break:break-all;font-family:ui-monospace,monospace;font-size:12px;max-height:140px;overflow:auto}
.fd-out[data-ok=false]{color:var(--fd-danger)}
.fd-subs{list-style:none;margin:0;padding:0}
.fd-subs li{display:flex;justify-content:space-between;align-items:center;padding:2px 0}
.fd-log{max-height:180px;overflow:auto;margin:0;padding:0;list-style:none;font-family:ui-monospace,monospace;
font-size:12px}
.fd-log li{padding:3px 0;border-top:1px dashed var(--fd-border);word-break:break-all}
.fd-log b{color:var(--fd-accent)}`;
