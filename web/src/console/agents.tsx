// Admin: agents (list, create, change role, deactivate/reactivate, reset password). The server
// enforces all of this (GET/POST /api/v1/users, PUT /api/v1/users/{id}); the page only hides it.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import type { Strings } from './i18n';
import type { User } from './inbox';

interface Draft { email: string; name: string; password: string; role: 'agent' | 'admin' }
const empty: Draft = { email: '', name: '', password: '', role: 'agent' };

export function Agents({ t, me }: { t: Strings; me: User }) {
  const [users, setUsers] = useState<User[]>([]);
  const [draft, setDraft] = useState<Draft>(empty);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const load = () => api<{ users: User[] }>('/api/v1/users').then((r) => setUsers(r.users), (e) => setError(e.message));
  useEffect(() => { load(); }, []);

  const run = async (f: () => Promise<unknown>, ok: string) => {
    try { await f(); setError(''); setNotice(ok); await load(); } catch (e: any) { setNotice(''); setError(e.message); }
  };
  const create = (e: Event) => {
    e.preventDefault();
    const body: any = { email: draft.email, password: draft.password, role: draft.role };
    if (draft.name.trim()) body.name = draft.name.trim();
    run(() => api('/api/v1/users', { method: 'POST', body }).then(() => setDraft(empty)), t.agentCreated);
  };
  const update = (u: User, body: object, ok: string) => run(() => api(`/api/v1/users/${u.id}`, { method: 'PUT', body }), ok);
  const reset = (u: User) => {
    const p = prompt(`${t.newPassword} (${u.email})`);
    if (p) update(u, { password: p }, t.passwordReset);
  };
  const set = (k: keyof Draft) => (e: Event) => setDraft({ ...draft, [k]: (e.target as HTMLInputElement).value });

  return (
    <div class="pad agents">
      <form class="card" onSubmit={create} aria-label={t.newAgent}>
        <h3>{t.newAgent}</h3>
        <div class="row">
          <label>{t.email}<input type="email" value={draft.email} onInput={set('email')} required /></label>
          <label>{t.name}<input value={draft.name} onInput={set('name')} /></label>
          <label>{t.password}<input type="password" autoComplete="new-password" minLength={8} value={draft.password} onInput={set('password')} required /></label>
          <label>{t.role}<select value={draft.role} onChange={set('role')}>
            <option value="agent">{t.roles.agent}</option><option value="admin">{t.roles.admin}</option>
          </select></label>
          <button type="submit">{t.create}</button>
        </div>
      </form>
      {error && <div class="error" role="alert">{error}</div>}
      {notice && <div class="muted" role="status">{notice}</div>}
      <table class="card users">
        <thead><tr><th>{t.name}</th><th>{t.email}</th><th>{t.role}</th><th>{t.state}</th><th /></tr></thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-user={u.email} class={u.active ? '' : 'inactive'}>
              <td>{u.name}</td><td>{u.email}</td>
              <td>
                <select aria-label={`${t.role} ${u.email}`} value={u.role} disabled={u.id === me.id}
                  onChange={(e) => update(u, { role: (e.target as HTMLSelectElement).value }, t.saved)}>
                  <option value="agent">{t.roles.agent}</option><option value="admin">{t.roles.admin}</option>
                </select>
              </td>
              <td>{u.active ? t.active : t.inactive}</td>
              <td class="row">
                {u.id !== me.id && (u.active
                  ? <button class="secondary" onClick={() => update(u, { active: false }, t.saved)}>{t.deactivate}</button>
                  : <button class="secondary" onClick={() => update(u, { active: true }, t.saved)}>{t.activate}</button>)}
                <button class="secondary" onClick={() => reset(u)}>{t.resetPassword}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
