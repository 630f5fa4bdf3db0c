// Admin: inbox settings with the widget snippet to paste into the business's site.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import type { Strings } from './i18n';

interface Inbox { id: number; name: string; channel: string; widget_token: string; identity_secret: string }

export const snippet = (token: string) =>
  `<script src="${location.origin}/widget.js" data-inbox="${token}" async></script>`;

// For signed-in customers: the business's server adds its customer id and the HMAC of it.
export const identitySnippet = (token: string) =>
  `<script src="${location.origin}/widget.js" data-inbox="${token}"\n  data-external-id="CUSTOMER_ID"\n` +
  `  data-identifier-hash="HMAC_SHA256_HEX(identity_secret, CUSTOMER_ID)" async></script>`;

export function Inboxes({ t }: { t: Strings }) {
  const [inboxes, setInboxes] = useState<Inbox[]>([]);
  const [error, setError] = useState('');
  const [copied, setCopied] = useState(0);
  useEffect(() => { api<{ inboxes: Inbox[] }>('/api/v1/inboxes').then((r) => setInboxes(r.inboxes), (e) => setError(e.message)); }, []);
  const [shown, setShown] = useState(0);
  const copy = (i: Inbox) => navigator.clipboard?.writeText(snippet(i.widget_token)).then(() => setCopied(i.id), () => {});
  const rotate = (i: Inbox) => {
    if (!confirm(t.rotateConfirm)) return;
    api<{ identity_secret: string }>(`/api/v1/inboxes/${i.id}/identity_secret`, { method: 'POST' }).then(
      (r) => { setInboxes((all) => all.map((x) => (x.id === i.id ? { ...x, identity_secret: r.identity_secret } : x))); setShown(i.id); },
      (e) => setError(e.message));
  };
  return (
    <div class="pad inboxes">
      {error && <div class="error" role="alert">{error}</div>}
      {inboxes.map((i) => (
        <section key={i.id} class="card" aria-label={i.name}>
          <h3>{i.name} <small>{i.channel}</small></h3>
          <p>{t.snippetHelp}</p>
          <pre class="snippet" data-testid="widget-snippet">{snippet(i.widget_token)}</pre>
          <button class="secondary" onClick={() => copy(i)}>{copied === i.id ? t.copied : t.copy}</button>
          <h4>{t.identityTitle}</h4>
          <p>{t.identityHelp}</p>
          <pre class="snippet">{identitySnippet(i.widget_token)}</pre>
          <p>
            <code data-testid="identity-secret">{shown === i.id ? i.identity_secret : '•'.repeat(16)}</code>{' '}
            <button class="secondary" onClick={() => setShown(shown === i.id ? 0 : i.id)}>{shown === i.id ? t.hide : t.show}</button>{' '}
            <button class="secondary" onClick={() => rotate(i)}>{t.rotate}</button>
          </p>
        </section>
      ))}
    </div>
  );
}
