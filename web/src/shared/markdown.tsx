// Tiny, safe rendering of the Markdown subset bot answers use: **bold** and line breaks.
// Builds Preact nodes (never innerHTML), so message text cannot inject markup.
import type { ComponentChildren } from 'preact';

export function renderText(text: string): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  text.split('\n').forEach((line, i) => {
    if (i > 0) out.push(<br />);
    line.split(/(\*\*[^*]+\*\*)/).forEach((part) => {
      if (part.startsWith('**') && part.endsWith('**') && part.length > 4) out.push(<strong>{part.slice(2, -2)}</strong>);
      else if (part) out.push(part.replace(/^#+\s*/, '').replace(/^[-*]\s+/, '• '));
    });
  });
  return out;
}
