/** ClickToCall's CSS; it lives in its own Shadow DOM root and uses the theme's custom properties. */
export const CSS = `.fd-c2c-window{position:fixed;bottom:12px;inset-inline-start:12px;width:340px;
max-width:calc(100vw - 24px);max-height:calc(100vh - 24px);display:flex;flex-direction:column;
background:var(--fd-bg);color:var(--fd-fg);border:1px solid var(--fd-border);border-radius:var(--fd-radius);
box-shadow:var(--fd-shadow);overflow:hidden}
.fd[data-mobile=true] .fd-c2c-window[data-minimized=false]{inset:0;width:100vw;max-width:none;max-height:none;
border-radius:0}
.fd-c2c-bar{display:flex;align-items:center;gap:6px;padding:10px 12px;background:var(--fd-accent);
color:var(--fd-accent-fg)}
.fd-c2c-bar h2{flex:1;margin:0;font-size:16px}
.fd-c2c-bar button.fd-plain{color:inherit;border-color:transparent;font-size:18px;line-height:1;min-width:32px;
min-height:32px}
.fd-c2c-body{position:relative;padding:14px;overflow:auto;display:flex;flex-direction:column;gap:10px}
.fd-c2c-body p{margin:0}
.fd-c2c-field{display:flex;flex-direction:column;gap:4px}
.fd-c2c-field label{font-size:13px;color:var(--fd-muted)}
.fd-c2c-field input{padding:8px}
.fd-c2c-field.cx-error input{border-color:var(--fd-danger)}
.fd-c2c-error{color:var(--fd-danger);font-size:13px}
.fd button{min-height:32px}
.fd button:disabled{opacity:.55;cursor:default}
.fd-c2c-number{font-size:24px;font-weight:700;color:var(--fd-accent);text-decoration:none;
overflow-wrap:anywhere}
.fd-c2c-number:hover{text-decoration:underline}
.fd-c2c-code{font:700 26px/1.2 ui-monospace,Menlo,Consolas,monospace;letter-spacing:.18em;
padding:8px 12px;background:var(--fd-surface);border-radius:8px;align-self:flex-start}
.fd-c2c-muted{font-size:13px;color:var(--fd-muted)}
.fd-c2c-received{font-weight:600}
.fd-c2c-overlay{position:absolute;inset:0;padding:16px;background:var(--fd-bg);display:flex;
flex-direction:column;justify-content:center;gap:12px}
.fd-c2c-actions{display:flex;gap:8px;flex-wrap:wrap}
.fd-c2c-live{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}`;
