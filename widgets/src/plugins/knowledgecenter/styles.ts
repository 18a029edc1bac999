/**
 * KnowledgeCenter's CSS; it lives in its own Shadow DOM root and uses the theme's custom properties.
 * The panel sits above the corner where WebChat's chat button is, so both stay usable.
 */
export const CSS = `.fd-kc-window{position:fixed;bottom:60px;inset-inline-end:12px;width:380px;
max-width:calc(100vw - 24px);height:560px;max-height:calc(100vh - 72px);display:flex;flex-direction:column;
background:var(--fd-bg);color:var(--fd-fg);border:1px solid var(--fd-border);border-radius:var(--fd-radius);
box-shadow:var(--fd-shadow);overflow:hidden}
.fd[data-mobile=true] .fd-kc-window{inset:0;width:100vw;height:100vh;max-width:none;max-height:none;border-radius:0}
.fd-kc-bar{display:flex;align-items:center;gap:6px;padding:10px 12px;background:var(--fd-accent);
color:var(--fd-accent-fg)}
.fd-kc-bar h2{flex:1;margin:0;font-size:16px}
.fd-kc-bar button.fd-plain{color:inherit;border-color:transparent;font-size:18px;line-height:1;min-width:32px;
min-height:32px}
.fd-kc-search{position:relative;padding:10px 12px;border-bottom:1px solid var(--fd-border)}
.fd-kc-box{display:flex;gap:6px}
.fd-kc-box input{flex:1;min-width:0;padding:8px}
.fd button{min-height:32px}
.fd-kc-suggestions{position:absolute;z-index:1;inset-inline:12px;top:calc(100% - 6px);margin:0;padding:4px 0;
list-style:none;background:var(--fd-bg);border:1px solid var(--fd-border);border-radius:6px;box-shadow:var(--fd-shadow)}
.fd-kc-option{padding:8px 10px;cursor:pointer}
.fd-kc-option-doc{font-weight:600}
.fd-kc-option[aria-selected=true],.fd-kc-option:hover{background:var(--fd-surface)}
.fd-kc-body-scroll{flex:1;overflow:auto;padding:12px;display:flex;flex-direction:column;gap:12px}
.fd-kc-body-scroll p{margin:0}
.fd-kc-section h3{margin:0 0 6px;font-size:13px;color:var(--fd-muted);text-transform:uppercase;letter-spacing:.04em}
.fd-kc-list,.fd-kc-chips{margin:0;padding:0;list-style:none;display:flex;flex-direction:column;gap:6px}
.fd-kc-chips{flex-direction:row;flex-wrap:wrap}
.fd button.fd-kc-chip{border-radius:999px;padding:4px 12px}
.fd button.fd-kc-doc{width:100%;text-align:start;padding:8px 10px;display:flex;flex-direction:column;gap:4px}
.fd-kc-doc-title{font-weight:600;color:var(--fd-accent)}
.fd-kc-snippet{font-size:13px;color:var(--fd-muted)}
.fd-kc-snippet mark{background:transparent;color:var(--fd-fg);font-weight:700}
.fd button.fd-kc-back{align-self:flex-start}
.fd-kc-article h3{margin:0 0 8px;font-size:18px}
.fd-kc-article h3:focus{outline:none}
.fd-kc-body{overflow-wrap:anywhere}
.fd-kc-body p,.fd-kc-body ul,.fd-kc-body ol,.fd-kc-body pre,.fd-kc-body blockquote{margin:0 0 10px}
.fd-kc-body pre{padding:8px;background:var(--fd-surface);border-radius:6px;overflow:auto}
.fd-kc-body blockquote{padding-inline-start:10px;border-inline-start:3px solid var(--fd-border)}
.fd-kc-body a{color:var(--fd-accent)}
.fd-kc-vote{display:flex;align-items:center;gap:8px;flex-wrap:wrap;padding-top:8px;
border-top:1px solid var(--fd-border)}
.fd-kc-vote p{flex:1 1 100%}
.fd-kc-muted{font-size:13px;color:var(--fd-muted)}
.fd-kc-error{color:var(--fd-danger)}
.fd-kc-hidden,.fd-kc-live{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);
white-space:nowrap}`;
