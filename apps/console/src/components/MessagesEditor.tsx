// The campaign's LINE message objects. Text, image and sticker have fields; template, imagemap and
// flex are edited as JSON, with the JSON's own syntax error and the API's problems at their path
// (`messages[1].contents.body`) under the message they belong to.
import { useState } from 'react';
import { Button, Card, Input, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldProblem } from '../api/client';

export type LineMessage = Record<string, unknown> & { type: string };

const TEMPLATES: Record<string, () => LineMessage> = {
  text: () => ({ type: 'text', text: '' }),
  image: () => ({ type: 'image', originalContentUrl: 'https://', previewImageUrl: 'https://' }),
  sticker: () => ({ type: 'sticker', packageId: '446', stickerId: '1988' }),
  template: () => ({
    type: 'template',
    altText: 'Choose',
    template: {
      type: 'buttons',
      text: 'Choose one',
      actions: [{ type: 'uri', label: 'Open', uri: 'https://example.com' }],
    },
  }),
  imagemap: () => ({
    type: 'imagemap',
    baseUrl: 'https://example.com/imagemap',
    altText: 'Imagemap',
    baseSize: { width: 1040, height: 1040 },
    actions: [{ type: 'uri', linkUri: 'https://example.com', area: { x: 0, y: 0, width: 1040, height: 1040 } }],
  }),
  flex: () => ({
    type: 'flex',
    altText: 'News',
    contents: {
      type: 'bubble',
      body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: 'Hello' }] },
    },
  }),
};
const JSON_TYPES = new Set(['template', 'imagemap', 'flex']);

export function MessagesEditor({
  messages,
  onChange,
  errors,
  disabled,
  path = 'messages',
}: {
  messages: LineMessage[];
  onChange(messages: LineMessage[]): void;
  errors: FieldProblem[];
  disabled: boolean;
  /** Where the API puts these messages' problems: `messages`, or an A/B variant's `variants[1].messages`. */
  path?: string;
}) {
  const { t } = useTranslation();
  const set = (i: number, message: LineMessage) => onChange(messages.map((m, j) => (j === i ? message : m)));
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {messages.map((message, i) => {
        const own = errors.filter((e) => e.field === `${path}[${i}]` || e.field.startsWith(`${path}[${i}].`));
        return (
          <Card
            key={i}
            size="small"
            title={
              <Select
                aria-label={t('Message type')}
                size="small"
                disabled={disabled}
                value={message.type}
                style={{ width: 140 }}
                onChange={(type: string) => set(i, TEMPLATES[type]())}
                options={Object.keys(TEMPLATES).map((type) => ({ value: type, label: t(`message.${type}`) }))}
              />
            }
            extra={
              <Button
                size="small"
                type="text"
                danger
                disabled={disabled || messages.length === 1}
                onClick={() => onChange(messages.filter((_, j) => j !== i))}
              >
                {t('Remove message')}
              </Button>
            }
          >
            {JSON_TYPES.has(message.type) ? (
              <JsonMessage
                message={message}
                onChange={(m) => set(i, m)}
                disabled={disabled}
                errorId={`json-error-${path.replace(/\W+/g, '-')}-${i}`}
              />
            ) : (
              <FieldsMessage
                message={message}
                onChange={(m) => set(i, m)}
                disabled={disabled}
                invalid={new Set(own.map((e) => e.field.slice(`${path}[${i}].`.length).split(/[.[]/)[0]))}
              />
            )}
            {own.length > 0 && (
              <div role="alert" style={{ color: '#d4380d', fontSize: 13, marginTop: 6 }}>
                {own.map((e, k) => (
                  <div key={k}>
                    <code>{e.field}</code>: {e.problem}
                  </div>
                ))}
              </div>
            )}
          </Card>
        );
      })}
      <Button type="dashed" disabled={disabled} onClick={() => onChange([...messages, TEMPLATES.text()])}>
        + {t('Add message')}
      </Button>
      {messages.length > 5 && (
        <Typography.Text type="warning">
          {t('More than 5 messages: each recipient gets several requests, each counted.')}
        </Typography.Text>
      )}
    </Space>
  );
}

function FieldsMessage({
  message,
  onChange,
  disabled,
  invalid,
}: {
  message: LineMessage;
  onChange(m: LineMessage): void;
  disabled: boolean;
  /** The message's fields the API found a problem with (`text`), marked invalid; the problem shows below. */
  invalid: Set<string>;
}) {
  const { t } = useTranslation();
  const field = (key: string, label: string) => (
    <label style={{ display: 'block', marginBottom: 6 }}>
      <span style={{ display: 'block', fontSize: 13 }}>{label}</span>
      <Input
        disabled={disabled}
        status={invalid.has(key) ? 'error' : undefined}
        aria-invalid={invalid.has(key)}
        value={String(message[key] ?? '')}
        onChange={(e) => onChange({ ...message, [key]: e.target.value })}
      />
    </label>
  );
  if (message.type === 'text')
    return (
      <label style={{ display: 'block' }}>
        <span style={{ display: 'block', fontSize: 13 }}>{t('Message text')}</span>
        <Input.TextArea
          rows={3}
          disabled={disabled}
          status={invalid.has('text') ? 'error' : undefined}
          aria-invalid={invalid.has('text')}
          value={String(message.text ?? '')}
          onChange={(e) => onChange({ ...message, text: e.target.value })}
        />
      </label>
    );
  if (message.type === 'image')
    return (
      <>
        {field('originalContentUrl', t('Image URL (https)'))}
        {field('previewImageUrl', t('Preview image URL (https)'))}
      </>
    );
  return (
    <>
      {field('packageId', t('Sticker package id'))}
      {field('stickerId', t('Sticker id'))}
    </>
  );
}

function JsonMessage({
  message,
  onChange,
  disabled,
  errorId,
}: {
  message: LineMessage;
  onChange(m: LineMessage): void;
  disabled: boolean;
  /** Unique on the page: an A/B test has one editor per variant. */
  errorId: string;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => JSON.stringify(message, null, 2));
  const [syntax, setSyntax] = useState<string | null>(null);
  return (
    <label style={{ display: 'block' }}>
      <span style={{ display: 'block', fontSize: 13 }}>{t('Message JSON (LINE message object)')}</span>
      <Input.TextArea
        rows={10}
        disabled={disabled}
        style={{ fontFamily: 'monospace', fontSize: 12 }}
        value={text}
        status={syntax ? 'error' : undefined}
        aria-describedby={syntax ? errorId : undefined}
        onChange={(e) => {
          setText(e.target.value);
          try {
            const parsed = JSON.parse(e.target.value) as LineMessage;
            setSyntax(null);
            onChange(parsed);
          } catch (error) {
            setSyntax((error as Error).message);
          }
        }}
      />
      {syntax && (
        <div id={errorId} role="alert" style={{ color: '#d4380d', fontSize: 13 }}>
          {t('Not valid JSON')}: {syntax}
        </div>
      )}
    </label>
  );
}
