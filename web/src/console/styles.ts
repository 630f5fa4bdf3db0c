export const css = `
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; color: #0f172a; background: #f1f5f9; }
button { background: #2563eb; color: #fff; border: 0; border-radius: 6px; padding: 6px 12px; cursor: pointer; font: inherit; }
button.secondary { background: #fff; color: #1e293b; border: 1px solid #cbd5e1; }
button.danger { background: #fff; color: #b91c1c; border: 1px solid #fecaca; }
button:disabled { background: #94a3b8; }
button:focus-visible, input:focus-visible, textarea:focus-visible { outline: 3px solid #f59e0b; outline-offset: 1px; }
input, textarea { font: inherit; padding: 6px 8px; border: 1px solid #cbd5e1; border-radius: 6px; width: 100%; }
.grow { flex: 1; }
.pad { padding: 16px; }
.muted { color: #64748b; padding: 12px; }
.error { color: #b91c1c; padding: 4px 0; }
.card { background: #fff; border: 1px solid #e2e8f0; border-radius: 10px; padding: 14px; }
.row { display: flex; gap: 8px; align-items: center; }
.login { max-width: 360px; margin: 12vh auto; display: flex; flex-direction: column; gap: 12px; }
.login h1 { font-size: 20px; margin: 0 0 8px; }
.login label, .editor label, .agents form label { display: flex; flex-direction: column; gap: 4px; }
.app { display: flex; flex-direction: column; height: 100vh; }
.top { display: flex; align-items: center; gap: 10px; padding: 8px 14px; background: #0f172a; color: #fff; white-space: nowrap; }
.top nav { display: flex; gap: 4px; margin-left: 16px; min-width: 0; overflow-x: auto; }
.top nav button { background: transparent; color: #cbd5e1; padding: 6px 9px; }
.top nav button.active { background: #1e3a8a; color: #fff; }
.dot { font-size: 12px; } .dot.on::before { content: "● "; color: #22c55e; } .dot.off::before { content: "● "; color: #ef4444; }
.check { display: flex; gap: 4px; align-items: center; font-size: 12px; } .check input { width: auto; }
.inbox { flex: 1; display: flex; min-height: 0; }
.list { width: 300px; border-right: 1px solid #e2e8f0; background: #fff; display: flex; flex-direction: column; }
.tabs { display: flex; flex-wrap: wrap; gap: 4px; padding: 8px; border-bottom: 1px solid #e2e8f0; }
.tabs button { background: #f1f5f9; color: #334155; padding: 4px 8px; font-size: 13px; }
.tabs button.active { background: #2563eb; color: #fff; }
.convs { list-style: none; margin: 0; padding: 0; overflow-y: auto; }
.conv { display: flex; flex-direction: column; width: 100%; text-align: left; background: #fff; color: #0f172a; border-radius: 0; border-bottom: 1px solid #f1f5f9; padding: 10px 12px; gap: 2px; }
.conv.selected { background: #eff6ff; }
.conv-top { display: flex; gap: 8px; align-items: center; }
.preview { color: #64748b; font-size: 12px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.pill { font-size: 11px; border-radius: 999px; padding: 1px 8px; background: #e2e8f0; }
.pill.queued { background: #fef3c7; } .pill.assigned { background: #dbeafe; } .pill.resolved { background: #dcfce7; }
.badge { background: #ef4444; color: #fff; border-radius: 999px; font-size: 11px; padding: 0 6px; }
.convo { flex: 1; display: flex; min-width: 0; }
.thread { flex: 1; display: flex; flex-direction: column; min-width: 0; }
.thread.empty { align-items: center; justify-content: center; color: #64748b; }
.thread-head { display: flex; gap: 8px; align-items: center; padding: 10px 14px; background: #fff; border-bottom: 1px solid #e2e8f0; }
.summary { margin: 10px 14px 0; padding: 8px 10px; background: #fffbeb; border: 1px solid #fde68a; border-radius: 8px; font-size: 13px; }
.summary.assist { background: #eff6ff; border-color: #bfdbfe; }
.drafts { margin: 6px 0 0; padding-left: 20px; }
.trace { margin-top: 4px; padding: 6px 8px; font-size: 12px; background: #f8fafc; border: 1px dashed #cbd5e1; border-radius: 6px; }
.trace pre { white-space: pre-wrap; margin: 4px 0; max-height: 240px; overflow: auto; }
.trace ul { margin: 4px 0; padding-left: 18px; }
button.link.trace-link { font-size: 12px; color: #2563eb; margin-top: 2px; }
.translation { margin-top: 3px; padding: 4px 8px; font-size: 13px; color: #1e3a8a; background: #eff6ff; border-radius: 6px; }
label.inline { display: inline-flex; align-items: center; gap: 4px; font-size: 13px; margin-right: 8px; }
.drafts li { margin: 4px 0; }
button.link { background: none; border: none; padding: 0; color: inherit; text-align: left; cursor: pointer; font: inherit; white-space: pre-wrap; }
button.link:hover { text-decoration: underline; }
.messages { flex: 1; overflow-y: auto; padding: 12px 14px; display: flex; flex-direction: column; gap: 10px; }
.msg { max-width: 75%; }
.msg.contact { align-self: flex-start; } .msg.bot, .msg.agent { align-self: flex-end; } .msg.system { align-self: center; color: #64748b; font-size: 12px; }
.who { font-size: 11px; color: #64748b; } .time { margin-left: 6px; }
.bubble { background: #fff; border: 1px solid #e2e8f0; border-radius: 10px; padding: 8px 10px; word-break: break-word; }
.msg.bot .bubble { background: #f8fafc; } .msg.agent .bubble { background: #dbeafe; border-color: #bfdbfe; }
.msg.system .bubble { background: transparent; border: 0; }
.sources { font-size: 11px; color: #475569; margin-top: 2px; }
.typing { color: #64748b; font-size: 12px; }
.composer { border-top: 1px solid #e2e8f0; background: #fff; padding: 10px 14px; display: flex; flex-direction: column; gap: 6px; }
.composer textarea { height: 70px; resize: vertical; }
.composer-actions { display: flex; justify-content: flex-end; gap: 8px; }
.sidebar { width: 240px; border-left: 1px solid #e2e8f0; background: #fff; padding: 12px; overflow-y: auto; font-size: 13px; }
.sidebar h3 { margin: 0 0 8px; font-size: 14px; } .sidebar h4 { margin: 12px 0 4px; font-size: 12px; color: #64748b; }
.sidebar ul { margin: 0; padding-left: 16px; } .contact-name { font-weight: 600; }
.kb { flex: 1; display: flex; gap: 14px; padding: 14px; min-height: 0; }
.kb-list { flex: 1; display: flex; flex-direction: column; gap: 8px; min-width: 0; }
.kb-side { width: 440px; display: flex; flex-direction: column; gap: 14px; overflow-y: auto; }
.articles { list-style: none; margin: 0; padding: 0; overflow-y: auto; background: #fff; border: 1px solid #e2e8f0; border-radius: 10px; }
.articles li { display: flex; gap: 6px; align-items: center; padding: 8px 10px; border-bottom: 1px solid #f1f5f9; }
.articles small { color: #94a3b8; }
.editor { display: flex; flex-direction: column; gap: 8px; }
.preview { font-size: 12px; background: #f8fafc; border-radius: 6px; padding: 6px; max-height: 120px; overflow: auto; }
.tryit h3, .tryit h4 { margin: 4px 0; }
.feedback ul { list-style: none; padding: 0; display: flex; flex-direction: column; gap: 8px; }
.agents { overflow: auto; } .agents form .row { flex-wrap: wrap; align-items: end; }
.users { width: 100%; border-collapse: collapse; } .users th, .users td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #e5e7eb; }
.users tr.inactive td { color: #9ca3af; }
.composer { position: relative; }
.snippet { background: #0f172a; color: #e2e8f0; padding: 10px; border-radius: 6px; white-space: pre-wrap; word-break: break-all; font-size: 12px; }
.import { display: inline-flex; align-items: center; cursor: pointer; padding: 6px 10px; border: 1px solid #cbd5e1; border-radius: 6px; background: #fff; white-space: nowrap; font-size: 13px; }
.canned { position: absolute; bottom: 100%; left: 0; right: 0; margin: 0 0 4px; padding: 4px; list-style: none; background: #fff; border: 1px solid #d1d5db; border-radius: 8px; box-shadow: 0 4px 12px rgba(0,0,0,.1); max-height: 240px; overflow: auto; z-index: 5; }
.canned li { padding: 6px 8px; border-radius: 6px; cursor: pointer; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.canned li.active { background: #eff6ff; } .canned li span { color: #6b7280; }
@media (max-width: 800px) { .sidebar { display: none; } .list { width: 200px; } .kb { flex-direction: column; } .kb-side { width: auto; } }
.help-overlay { position: fixed; inset: 0; background: rgba(15, 23, 42, .45); display: flex; align-items: center; justify-content: center; z-index: 10; }
.help-overlay .card { min-width: 320px; } .help-overlay td { padding: 3px 10px 3px 0; }
.automation { flex: 1; display: flex; flex-direction: column; min-height: 0; }
.automation-bar { padding: 10px 14px 0; display: flex; flex-direction: column; gap: 4px; }
.automation-grid { flex: 1; display: flex; gap: 14px; padding: 10px 14px 14px; min-height: 0; }
.automation-main { flex: 1; min-width: 0; overflow-y: auto; display: flex; flex-direction: column; gap: 14px; }
.automation-side { width: 480px; overflow-y: auto; }
.automation h3 { margin: 0 0 8px; } .automation button { white-space: nowrap; } .automation td.url { font: 12px ui-monospace, monospace; word-break: break-all; }
textarea.json { font: 12px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; resize: vertical; white-space: pre; }
.note { margin: 0; color: #475569; font-size: 13px; }
.note.warn { color: #92400e; background: #fffbeb; border: 1px solid #fde68a; border-radius: 6px; padding: 6px 8px; }
.ok { color: #15803d; padding: 4px 0; }
.secrets { list-style: none; margin: 8px 0; padding: 0; }
.secrets li { display: flex; gap: 8px; align-items: center; padding: 4px 0; border-bottom: 1px solid #f1f5f9; }
.secret-form { align-items: end; flex-wrap: wrap; } .secret-form label { display: flex; flex-direction: column; gap: 4px; flex: 1; min-width: 160px; }
@media (max-width: 1000px) { .automation-grid { flex-direction: column; overflow-y: auto; } .automation-main, .automation-side { overflow: visible; width: auto; } }
kbd { font: 12px ui-monospace, monospace; background: #f1f5f9; border: 1px solid #cbd5e1; border-radius: 4px; padding: 1px 5px; }
`;
