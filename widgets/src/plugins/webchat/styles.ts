/** WebChat's CSS; it lives in WebChat's own Shadow DOM root and uses the theme's custom properties. */
export const CSS = `.fd-wc-button{position:fixed;bottom:20px;inset-inline-end:20px;padding:12px 18px;
border-radius:24px;box-shadow:var(--fd-shadow);font-weight:600;display:inline-flex;align-items:center;gap:6px}
.fd-wc-icon{flex:none}
.fd-wc-window{position:fixed;bottom:12px;inset-inline-end:12px;width:370px;max-width:calc(100vw - 24px);
height:560px;max-height:calc(100vh - 24px);display:flex;flex-direction:column;background:var(--fd-bg);
color:var(--fd-fg);border:1px solid var(--fd-border);border-radius:var(--fd-radius);box-shadow:var(--fd-shadow);
overflow:hidden}
.fd-wc-window[data-minimized=true]{height:auto}
.fd[data-mobile=true] .fd-wc-window[data-minimized=false]{inset:0;width:100vw;max-width:none;height:100%;
max-height:none;border-radius:0}
.fd-wc-bar{display:flex;align-items:center;gap:6px;padding:10px 12px;background:var(--fd-accent);
color:var(--fd-accent-fg)}
.fd-wc-bar h2{flex:1;margin:0;font-size:16px}
.fd-wc-bar button.fd-plain{color:inherit;border-color:transparent;font-size:18px;line-height:1;
min-width:32px;min-height:32px}
.fd-wc-badge{min-width:22px;padding:2px 6px;border-radius:11px;background:var(--fd-danger);color:#fff;
font-size:12px;text-align:center}
.fd-wc-body{position:relative;flex:1;min-height:0;display:flex;flex-direction:column}
.fd-wc-form{padding:12px 14px;overflow:auto;display:flex;flex-direction:column;gap:10px}
.fd-wc-form p{margin:0}
.fd-wc-field{display:flex;flex-direction:column;gap:4px}
.fd-wc-field label{font-size:13px;color:var(--fd-muted)}
.fd-wc-field input,.fd-wc-field select,.fd-wc-field textarea{padding:8px}
.fd-wc-field.cx-error input,.fd-wc-field.cx-error select,.fd-wc-field.cx-error textarea{border-color:var(--fd-danger)}
.fd-wc-error{color:var(--fd-danger);font-size:13px}
.fd button{min-height:32px}
.fd button:disabled{opacity:.55;cursor:default}
.fd-wc-log{flex:1;overflow:auto;margin:0;padding:12px;list-style:none;display:flex;flex-direction:column;gap:8px}
.fd-wc-msg{max-width:80%;align-self:flex-start;display:flex;flex-direction:column}
.fd-wc-msg[data-party=Client]{align-self:flex-end;align-items:flex-end}
.fd-wc-name{font-size:12px;color:var(--fd-muted)}
.fd-wc-text{margin:2px 0;padding:8px 12px;border-radius:14px;background:var(--fd-surface);white-space:pre-wrap;
overflow-wrap:anywhere}
.fd-wc-msg[data-party=Client] .fd-wc-text{background:var(--fd-accent);color:var(--fd-accent-fg)}
.fd-wc-text a{color:inherit}
.fd-wc-time{font-size:11px;color:var(--fd-muted)}
.fd-wc-system{align-self:center;font-size:12px;color:var(--fd-muted);text-align:center}
.fd-wc-typing,.fd-wc-offline{margin:0;padding:4px 12px;font-size:12px;color:var(--fd-muted)}
.fd-wc-offline{background:var(--fd-surface);color:var(--fd-danger)}
.fd-wc-footer{position:relative;border-top:1px solid var(--fd-border);padding:8px;display:flex;flex-direction:column;
gap:6px}
.fd-wc-footer textarea{width:100%;resize:none;padding:8px}
.fd-wc-sendrow{display:flex;align-items:center;gap:6px}
.fd-wc-sendrow>span{flex:1;font-size:12px;color:var(--fd-muted)}
.fd-wc-overlay{position:absolute;inset:0;padding:16px;background:var(--fd-bg);display:flex;flex-direction:column;
justify-content:center;gap:12px;overflow:auto}
.fd-wc-actions{display:flex;gap:8px;flex-wrap:wrap}
.fd-wc-toast{position:fixed;bottom:20px;inset-inline-end:20px;width:300px;max-width:calc(100vw - 16px);
padding:14px;background:var(--fd-bg);border:1px solid var(--fd-border);border-radius:var(--fd-radius);
box-shadow:var(--fd-shadow)}
.fd-wc-toast h2{margin:0 0 4px;font-size:16px}
.fd-wc-toast p{margin:0 0 10px}
.fd-wc-queue{margin:0;padding:6px 12px;font-size:13px;background:var(--fd-surface);text-align:center}
.fd-wc-loading::before{content:'';display:inline-block;width:10px;height:10px;margin-inline-end:6px;
border:2px solid var(--fd-border);border-top-color:var(--fd-accent);border-radius:50%;animation:fd-spin 1s linear infinite}
@keyframes fd-spin{to{transform:rotate(1turn)}}
.fd-wc-emoji{font-size:18px;min-width:32px}
.fd-wc-emojis{position:absolute;bottom:100%;inset-inline:8px;display:grid;grid-template-columns:repeat(8,1fr);
gap:2px;padding:6px;max-height:180px;overflow:auto;background:var(--fd-bg);border:1px solid var(--fd-border);
border-radius:var(--fd-radius);box-shadow:var(--fd-shadow)}
.fd-wc-emojis button{font-size:20px;padding:4px;min-height:36px;border-color:transparent}
.fd-wc-emojis button:focus{border-color:var(--fd-accent)}
.fd-wc-file{display:block;text-align:start;text-decoration:underline;overflow-wrap:anywhere}
.fd-wc-file-size{opacity:.7;font-size:12px}
.fd-wc-note{margin:2px 0 0;font-size:12px;opacity:.8}
.fd-wc-deflect{margin:6px 0;font-size:13px}.fd-wc-deflect p{margin:0 0 2px}
.fd-wc-deflect ul{margin:0;padding-inline-start:18px}
.fd-wc-article{padding:2px 0;min-height:0;text-decoration:underline;text-align:start}`;
