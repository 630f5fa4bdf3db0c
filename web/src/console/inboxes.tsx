// Admin: inbox settings with the widget snippet to paste into the business's site.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import type { Strings } from './i18n';

interface Inbox { id: number; name: string; channel: string; widget_token: string }

export const snippet = (token: string) =>
  `<script src="${location.origin}/widget.js" data-inbox="${token}" async></script>`;

export function Inboxes({ t }: { t: Strings }) {
  const [inboxes, setInboxes] = useState<Inbox[]>([]);
  const [error, setError] = useState('');
  const [copied, setCopied] = useState(0);
  useEffect(() => { api<{ inboxes: Inbox[] }>('/api/v1/inboxes').then((r) => setInboxes(r.inboxes), (e) => setError(e.message)); }, []);
  const copy = (i: Inbox) => navigator.clipboard?.writeText(snippet(i.widget_token)).then(() => setCopied(i.id), () => {});
  return (
    <div class="pad inboxes">
      {error && <div class="error" role="alert">{error}</div>}
      {inboxes.map((i) => (
        <section key={i.id} class="card" aria-label={i.name}>
          <h3>{i.name} <small>{i.channel}</small></h3>
          <p>{t.snippetHelp}</p>
          <pre class="snippet" data-testid="widget-snippet">{snippet(i.widget_token)}</pre>
          <button class="secondary" onClick={() => copy(i)}>{copied === i.id ? t.copied : t.copy}</button>
        </section>
      ))}
    </div>
  );
}
