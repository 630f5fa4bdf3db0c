// Admin: the account's AI automation — playbooks and fixed-answer intents, HTTP tools, the hosts
// tools may call and the secrets their headers use (docs/flows.md). Everything goes through
// /api/v1/automation (docs/api.md); the server validates and reloads, and undoes a change that does
// not load. Secret values are write-only: the API never returns them and the page never shows them.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from './api';
import type { Strings } from './i18n';

interface Tool { name: string; method: string; url: string; acts_for_customer: boolean }
interface Playbook { id: string; title: { zh: string; en: string }; examples: number; steps: number; needs_customer: boolean }
interface Host { host: string; port?: number; allow_private?: boolean }
interface AutomationSet {
  tools: Tool[]; playbooks: Playbook[]; router: boolean; allowlist: Host[];
  allowlist_written?: (string | Host)[];  // as in tools.json, e.g. "{{server}}" unresolved
  secrets: string[];
}
type Kind = 'playbook' | 'tool';
interface Draft { kind: Kind; id: string; text: string; existing: boolean }

const INTENT_TEMPLATE = {
  title: { zh: '退货地址', en: 'Return address' },
  triggers: { examples: { zh: ['退货寄到哪里', '退货地址是什么'], en: ['where do I send my return', 'what is the return address'] } },
  steps: [{ id: 'answer', type: 'end', text: { zh: '请寄到：…', en: 'Please send it to: …' } }],
};
const TOOL_TEMPLATE = {
  description: { zh: '查询商品库存', en: 'Stock level of a product' },
  parameters: { type: 'object', properties: { sku: { type: 'string', pattern: '^[A-Z]{2}[0-9]{4}$', maxLength: 20 } }, required: ['sku'] },
  method: 'GET',
  url: 'https://api.shop.example/stock/{sku}',
  response_fields: ['in_stock'],
};

// One allowlist entry per line: host, host:port, [v6]:port, or JSON for anything with allow_private.
const hostLine = (h: Host) => {
  if (h.allow_private || (h.host.includes(':') && !h.port)) return JSON.stringify(h);
  const host = h.host.includes(':') ? `[${h.host}]` : h.host;
  return h.port ? `${host}:${h.port}` : host;
};
const hostsText = (a: AutomationSet) =>
  a.allowlist_written && a.allowlist_written.length
    ? a.allowlist_written.map((h) => (typeof h === 'string' ? h : JSON.stringify(h))).join('\n')
    : a.allowlist.map(hostLine).join('\n');
function parseHosts(text: string): (string | object)[] {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => (l.startsWith('{') ? JSON.parse(l) : l));
}

export function Automation({ t, lang }: { t: Strings; lang: 'zh' | 'en' }) {
  const [data, setData] = useState<AutomationSet | null>(null);
  const [hosts, setHosts] = useState('');
  const [draft, setDraft] = useState<Draft | null>(null);
  const [secretName, setSecretName] = useState('');
  const [secretValue, setSecretValue] = useState('');
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [readOnly, setReadOnly] = useState('');
  const show = (a: AutomationSet, resetHosts = false) => {
    setData(a);
    if (resetHosts) setHosts(hostsText(a));
  };
  useEffect(() => { api<AutomationSet>('/api/v1/automation').then((a) => show(a, true), (e) => setError(e.message)); }, []);

  // Runs one request; the answer (the account's set) replaces the page's. Returns true on success.
  const run = async (f: () => Promise<AutomationSet>, ok: string, resetHosts = false) => {
    setNotice('');
    try {
      show(await f(), resetHosts);
      setError('');
      setNotice(ok);
      return true;
    } catch (e: any) {
      // 409 naming the setting: the server keeps no automation files, so nothing can be changed here.
      if (e instanceof ApiError && e.status === 409 && e.message.includes('[automation] dir')) setReadOnly(e.message);
      setError(e.message);
      return false;
    }
  };
  const path = (kind: Kind, id: string) => `/api/v1/automation/${kind === 'playbook' ? 'playbooks' : 'tools'}/${encodeURIComponent(id)}`;

  const edit = async (kind: Kind, id: string) => {
    try {
      const r = await api<{ definition: unknown }>(path(kind, id));
      setDraft({ kind, id, text: JSON.stringify(r.definition, null, 2), existing: true });
      setError('');
      setNotice('');
    } catch (e: any) { setError(e.message); }
  };
  const remove = (kind: Kind, id: string) => {
    if (!confirm(t.confirmDel(id))) return;
    run(() => api(path(kind, id), { method: 'DELETE' }), t.deleted).then((ok) => { if (ok && draft?.kind === kind && draft.id === id) setDraft(null); });
  };
  const fresh = (kind: Kind) => {
    setDraft({ kind, id: '', text: JSON.stringify(kind === 'playbook' ? INTENT_TEMPLATE : TOOL_TEMPLATE, null, 2), existing: false });
    setError('');
    setNotice('');
  };
  const save = async (e: Event) => {
    e.preventDefault();
    if (!draft) return;
    const id = draft.id.trim();
    if (!id) { setNotice(''); setError(t.idRequired); return; }
    let body: unknown;
    try { body = JSON.parse(draft.text); } catch (err: any) { setNotice(''); setError(`${t.invalidJson}: ${err.message}`); return; }
    if (!body || typeof body !== 'object' || Array.isArray(body)) { setNotice(''); setError(t.notObject); return; }
    if (await run(() => api(path(draft.kind, id), { method: 'PUT', body }), t.saved)) setDraft(null);
  };
  const saveHosts = (e: Event) => {
    e.preventDefault();
    let allowlist: (string | object)[];
    try { allowlist = parseHosts(hosts); } catch (err: any) { setNotice(''); setError(`${t.invalidJson}: ${err.message}`); return; }
    run(() => api('/api/v1/automation/allowlist', { method: 'PUT', body: { allowlist } }), t.saved, true);
  };
  const setSecret = async (e: Event) => {
    e.preventDefault();
    const name = secretName.trim();
    if (await run(() => api(`/api/v1/automation/secrets/${encodeURIComponent(name)}`, { method: 'PUT', body: { value: secretValue } }), t.saved)) {
      setSecretName('');
      setSecretValue('');
    }
  };
  const reload = () => run(() => api('/api/v1/automation/reload', { method: 'POST' }), t.reloaded, true);

  if (!data) return <div class="pad">{error ? <div class="error" role="alert">{error}</div> : '…'}</div>;
  const yes = (b: boolean) => (b ? t.yes : t.no);
  return (
    <div class="automation">
      <div class="automation-bar">
        <div class="row">
          <p class="note grow" data-testid="router-status">{data.router ? t.routerOn : t.routerOff}</p>
          <button class="secondary" onClick={reload}>{t.reloadFiles}</button>
        </div>
        {readOnly && <p class="note warn" role={error === readOnly ? 'alert' : undefined}>{t.readOnly} {readOnly}</p>}
        {error && error !== readOnly && <div class="error" role="alert">{error}</div>}
        {notice && <div class="ok" role="status">{notice}</div>}
      </div>
      <div class="automation-grid">
        <div class="automation-main">
          <section class="card" aria-label={t.playbooks}>
            <h3>{t.playbooks}</h3>
            <table class="users">
              <thead><tr><th>ID</th><th>{t.title}</th><th>{t.examples}</th><th>{t.steps}</th><th>{t.needsCustomer}</th><th /></tr></thead>
              <tbody>
                {data.playbooks.length === 0 && <tr><td colSpan={6} class="muted">{t.none}</td></tr>}
                {data.playbooks.map((p) => (
                  <tr key={p.id} data-playbook={p.id}>
                    <td><code>{p.id}</code></td><td>{p.title[lang] || p.title.zh || p.title.en}</td>
                    <td>{p.examples}</td><td>{p.steps}</td><td>{yes(p.needs_customer)}</td>
                    <td><div class="row">
                      <button class="secondary" aria-label={`${t.edit} ${p.id}`} onClick={() => edit('playbook', p.id)}>{t.edit}</button>
                      <button class="danger" aria-label={`${t.del} ${p.id}`} onClick={() => remove('playbook', p.id)}>{t.del}</button>
                    </div></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>

          <section class="card" aria-label={t.tools}>
            <h3>{t.tools}</h3>
            <table class="users">
              <thead><tr><th>{t.toolName}</th><th>{t.method}</th><th>URL</th><th>{t.actsForCustomer}</th><th /></tr></thead>
              <tbody>
                {data.tools.length === 0 && <tr><td colSpan={5} class="muted">{t.none}</td></tr>}
                {data.tools.map((x) => (
                  <tr key={x.name} data-tool={x.name}>
                    <td><code>{x.name}</code></td><td>{x.method}</td><td class="url">{x.url}</td><td>{yes(x.acts_for_customer)}</td>
                    <td><div class="row">
                      <button class="secondary" aria-label={`${t.edit} ${x.name}`} onClick={() => edit('tool', x.name)}>{t.edit}</button>
                      <button class="danger" aria-label={`${t.del} ${x.name}`} onClick={() => remove('tool', x.name)}>{t.del}</button>
                    </div></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>

          <form class="card editor" onSubmit={saveHosts} aria-label={t.allowlist}>
            <h3>{t.allowlist}</h3>
            <label>{t.allowlistHelp}
              <textarea class="json" rows={4} value={hosts} onInput={(e) => setHosts((e.target as HTMLTextAreaElement).value)} spellcheck={false} />
            </label>
            <div class="row"><button type="submit">{t.save}</button></div>
          </form>

          <section class="card" aria-label={t.secrets}>
            <h3>{t.secrets}</h3>
            <p class="note">{t.secretsHelp}</p>
            <ul class="secrets">
              {data.secrets.length === 0 && <li class="muted">{t.none}</li>}
              {data.secrets.map((s) => (
                <li key={s} data-secret={s}>
                  <code class="grow">{s}</code>
                  <button class="danger" aria-label={`${t.del} ${s}`} onClick={() => {
                    if (confirm(t.confirmDel(s))) run(() => api(`/api/v1/automation/secrets/${encodeURIComponent(s)}`, { method: 'DELETE' }), t.deleted);
                  }}>{t.del}</button>
                </li>
              ))}
            </ul>
            <form class="row secret-form" onSubmit={setSecret} aria-label={t.setSecret}>
              <label>{t.secretName}<input value={secretName} onInput={(e) => setSecretName((e.target as HTMLInputElement).value)}
                maxLength={64} required autoComplete="off" spellcheck={false} /></label>
              <label>{t.secretValue}<input type="password" value={secretValue} onInput={(e) => setSecretValue((e.target as HTMLInputElement).value)}
                maxLength={4096} required autoComplete="new-password" /></label>
              <button type="submit">{t.setSecret}</button>
            </form>
          </section>
        </div>

        <div class="automation-side">
          <section class="card editor" aria-label={t.editor}>
            <h3>{t.editor}</h3>
            <div class="row">
              <button type="button" class="secondary" onClick={() => fresh('playbook')}>{t.newIntent}</button>
              <button type="button" class="secondary" onClick={() => fresh('tool')}>{t.newTool}</button>
            </div>
            {!draft && <p class="note">{t.editorHint}</p>}
            {draft && (
              <form class="editor" onSubmit={save}>
                <label>{t.kind}
                  <select value={draft.kind} disabled={draft.existing}
                    onChange={(e) => setDraft({ ...draft, kind: (e.target as HTMLSelectElement).value as Kind })}>
                    <option value="playbook">{t.kinds.playbook}</option><option value="tool">{t.kinds.tool}</option>
                  </select>
                </label>
                <label>{draft.kind === 'playbook' ? t.playbookId : t.toolName}
                  <input value={draft.id} readOnly={draft.existing} required maxLength={64} spellcheck={false}
                    onInput={(e) => setDraft({ ...draft, id: (e.target as HTMLInputElement).value })} />
                </label>
                <label>{t.definition}
                  <textarea class="json" rows={22} value={draft.text} spellcheck={false}
                    onInput={(e) => setDraft({ ...draft, text: (e.target as HTMLTextAreaElement).value })} />
                </label>
                <p class="note">{draft.kind === 'playbook' ? t.playbookHelp : t.toolHelp}</p>
                <div class="row">
                  <button type="submit">{t.save}</button>
                  <button type="button" class="secondary" onClick={() => setDraft(null)}>{t.cancel}</button>
                </div>
              </form>
            )}
          </section>
        </div>
      </div>
    </div>
  );
}
