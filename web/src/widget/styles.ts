// Styles live inside the Shadow DOM: the host page cannot reach them and they cannot leak out.
export const css = `
:host { all: initial; }
* { box-sizing: border-box; font-family: system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; }
.launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; width: 56px; height: 56px; border-radius: 50%;
  border: 0; background: #2563eb; color: #fff; font-size: 14px; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25); }
.launcher:focus-visible, button:focus-visible, textarea:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
.panel { position: fixed; right: 20px; bottom: 88px; z-index: 2147483000; width: 370px; max-width: calc(100vw - 16px);
  height: 560px; max-height: calc(100vh - 104px); background: #fff; color: #111; border-radius: 14px; display: flex;
  flex-direction: column; overflow: hidden; box-shadow: 0 10px 40px rgba(0,0,0,.25); font-size: 14px; line-height: 1.45; }
@media (max-width: 480px) { .panel { right: 8px; left: 8px; width: auto; bottom: 80px; max-height: calc(100vh - 90px); } }
.head { background: #2563eb; color: #fff; padding: 12px 14px; display: flex; align-items: center; gap: 8px; }
.head h2 { font-size: 16px; margin: 0; flex: 1; font-weight: 600; }
.head button { background: transparent; border: 0; color: #fff; font-size: 20px; cursor: pointer; padding: 0 4px; }
.banner { padding: 6px 12px; font-size: 12px; background: #fef3c7; color: #92400e; }
.banner.ok { background: #dcfce7; color: #166534; }
.log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 10px; background: #f8fafc; }
.row { display: flex; flex-direction: column; max-width: 85%; }
.row.contact { align-self: flex-end; align-items: flex-end; }
.row.system { align-self: center; max-width: 95%; }
.who { font-size: 11px; color: #64748b; margin: 0 4px 2px; }
.bubble { padding: 8px 11px; border-radius: 12px; background: #fff; border: 1px solid #e2e8f0; white-space: normal; word-break: break-word; }
.contact .bubble { background: #2563eb; color: #fff; border-color: #2563eb; }
.agent .bubble { background: #ecfdf5; border-color: #a7f3d0; }
.system .bubble { background: transparent; border: 0; color: #64748b; font-size: 12px; text-align: center; }
.pending .bubble { opacity: .6; }
.sources { font-size: 11px; color: #475569; margin: 3px 4px 0; }
.thumbs { display: flex; gap: 4px; margin: 2px 2px 0; }
.thumbs button { border: 1px solid #e2e8f0; background: #fff; border-radius: 6px; cursor: pointer; font-size: 12px; padding: 1px 6px; color: #111; }
.thumbs button[aria-pressed="true"] { background: #dbeafe; border-color: #2563eb; }
.typing { font-size: 12px; color: #64748b; padding: 0 14px 4px; min-height: 18px; background: #f8fafc; }
.rating { padding: 10px 12px; border-top: 1px solid #e2e8f0; font-size: 13px; }
.rating .stars { display: flex; gap: 6px; margin-top: 6px; }
.rating .stars button { border: 1px solid #cbd5e1; background: #fff; border-radius: 6px; cursor: pointer; font-size: 18px; padding: 2px 8px; color: #f59e0b; }
.actions { display: flex; padding: 6px 10px 0; }
.actions button { border: 1px solid #cbd5e1; background: #fff; color: #1e293b; border-radius: 999px; padding: 3px 10px; font-size: 12px; cursor: pointer; }
.compose { display: flex; gap: 8px; padding: 8px 10px 10px; align-items: flex-end; }
.compose textarea { flex: 1; resize: none; border: 1px solid #cbd5e1; border-radius: 10px; padding: 8px; font-size: 14px; height: 40px; max-height: 100px; color: #111; background: #fff; }
.compose button { background: #2563eb; color: #fff; border: 0; border-radius: 10px; padding: 0 14px; height: 40px; font-size: 14px; cursor: pointer; }
.compose button:disabled { background: #94a3b8; }
.error { color: #b91c1c; font-size: 12px; padding: 0 12px; }
`;
