// Roughly how the messages look in LINE's chat on a phone: bubbles, images, stickers, and the
// alt text and first texts of templates and flex messages.
import { useTranslation } from 'react-i18next';
import type { LineMessage } from './MessagesEditor';

function flexTexts(node: unknown, out: string[] = []): string[] {
  if (!node || typeof node !== 'object' || out.length > 8) return out;
  const n = node as Record<string, unknown>;
  if (n.type === 'text' && typeof n.text === 'string') out.push(n.text);
  for (const value of Object.values(n)) {
    if (Array.isArray(value)) value.forEach((v) => flexTexts(v, out));
    else if (value && typeof value === 'object') flexTexts(value, out);
  }
  return out;
}

export function PhonePreview({ messages, accountName }: { messages: LineMessage[]; accountName: string }) {
  const { t } = useTranslation();
  const bubble = {
    background: '#fff',
    borderRadius: 16,
    padding: '8px 12px',
    maxWidth: 230,
    fontSize: 14,
    whiteSpace: 'pre-wrap' as const,
    wordBreak: 'break-word' as const,
  };
  return (
    <figure aria-label={t('Preview on a phone')} style={{ margin: 0 }}>
      <div
        style={{
          width: '100%',
          maxWidth: 280,
          boxSizing: 'border-box',
          height: 560,
          border: '10px solid #222',
          borderRadius: 32,
          background: '#8cabd9',
          overflow: 'hidden',
          display: 'flex',
          flexDirection: 'column',
        }}
      >
        <div style={{ background: '#2b3a55', color: '#fff', padding: '10px 14px', fontWeight: 600 }}>{accountName}</div>
        <div style={{ flex: 1, overflowY: 'auto', padding: 10, display: 'flex', flexDirection: 'column', gap: 8 }}>
          {messages.map((m, i) => {
            if (m.type === 'text')
              return (
                <div key={i} style={bubble}>
                  {String(m.text ?? '')}
                </div>
              );
            if (m.type === 'image')
              return (
                <img
                  key={i}
                  src={String(m.previewImageUrl ?? '')}
                  alt={t('Image message')}
                  style={{ maxWidth: 200, borderRadius: 12, background: '#ddd', minHeight: 80 }}
                />
              );
            if (m.type === 'sticker')
              return (
                <div
                  key={i}
                  style={{ fontSize: 48 }}
                  role="img"
                  aria-label={t('Sticker {{id}}', { id: String(m.stickerId ?? '') })}
                >
                  🐻
                </div>
              );
            if (m.type === 'template') {
              const template = (m.template ?? {}) as { text?: string; actions?: { label?: string }[] };
              return (
                <div key={i} style={{ ...bubble, padding: 0, overflow: 'hidden' }}>
                  <div style={{ padding: '8px 12px' }}>{template.text ?? String(m.altText ?? '')}</div>
                  {(template.actions ?? []).map((a, k) => (
                    <div
                      key={k}
                      style={{ borderTop: '1px solid #eee', padding: 8, textAlign: 'center', color: '#2a6ad3' }}
                    >
                      {a.label}
                    </div>
                  ))}
                </div>
              );
            }
            if (m.type === 'flex')
              return (
                <div key={i} style={{ ...bubble, borderRadius: 12 }}>
                  {flexTexts(m.contents).map((text, k) => (
                    <div key={k}>{text}</div>
                  ))}
                  <div style={{ color: '#888', fontSize: 11, marginTop: 4 }}>{String(m.altText ?? '')}</div>
                </div>
              );
            return (
              <div key={i} style={{ ...bubble, color: '#666' }}>
                {String(m.altText ?? m.type)}
              </div>
            );
          })}
        </div>
      </div>
    </figure>
  );
}
