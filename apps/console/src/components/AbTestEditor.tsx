// The composer's A/B test: 2 to 4 variants, each its name and its own messages (the same editors as
// a plain campaign's), and how the test runs (test share, wait, metric, undecided rule), as the API
// names them. The API's problems land on their field (`variants[1].messages[0].text` under variant
// B's first message, `abTest.testShare` on the share); the small-group warning is the forecast's.
import { Alert, Button, Card, Form, Input, InputNumber, Select, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldProblem, Schemas } from '../api/client';
import { reasonText, type ReasonDetail } from '../reasons';
import { letter } from './AbTestView';
import { MessagesEditor, type LineMessage } from './MessagesEditor';

export type Variant = Schemas['CampaignVariantDto'];
export type AbTest = Schemas['CampaignAbTestDto'];

/** The API's bounds (CampaignCreateDto: variants 2 to 4, testShare 1 to 99, waitMinutes up to a week). */
export const MIN_VARIANTS = 2;
export const MAX_VARIANTS = 4;
const MAX_WAIT_MINUTES = 7 * 24 * 60;

/** A new test's settings: a fifth of the audience tested, decided by clicks after four hours. */
export const NEW_AB_TEST: AbTest = { testShare: 20, metric: 'unique_click_rate', waitMinutes: 240, undecided: 'none' };

const METRICS: AbTest['metric'][] = ['unique_click_rate', 'unique_impression_rate'];
const UNDECIDED: AbTest['undecided'][] = ['variant_a', 'none', 'wait'];

/** A field's problems: its own and those of anything inside it (`abTest` also takes `abTest.testShare`). */
function problemsAt(errors: FieldProblem[], field: string, exact = false): FieldProblem[] {
  return errors.filter(
    (e) => e.field === field || (!exact && (e.field.startsWith(`${field}.`) || e.field.startsWith(`${field}[`))),
  );
}

export function AbTestEditor({
  variants,
  abTest,
  onChange,
  errors,
  disabled,
  forecast,
}: {
  variants: Variant[];
  abTest: AbTest;
  onChange(next: { variants: Variant[]; abTest: AbTest }): void;
  errors: FieldProblem[];
  disabled: boolean;
  /** The live forecast of the draft, for the group sizes and the API's small-group note. */
  forecast?: { recipients: number; reasonDetails?: ReasonDetail[] };
}) {
  const { t, i18n } = useTranslation();
  const setVariant = (index: number, patch: Partial<Variant>) =>
    onChange({ variants: variants.map((v, i) => (i === index ? { ...v, ...patch } : v)), abTest });
  const setTest = (patch: Partial<AbTest>) => onChange({ variants, abTest: { ...abTest, ...patch } });
  const settingProblem = (key: keyof AbTest) => problemsAt(errors, `abTest.${key}`)[0]?.problem;
  const testProblems = problemsAt(errors, 'abTest', true);
  const smallGroups = (forecast?.reasonDetails ?? []).filter((d) => d.code.startsWith('ab_test.groups_too_small.'));
  // The split as the API makes it (splitTest): the first ⌊recipients × share⌋ tested, in even groups.
  const tested = forecast ? Math.floor((forecast.recipients * (abTest.testShare ?? 0)) / 100) : null;
  const groups =
    forecast && tested !== null && abTest.testShare
      ? t(
          '{{tested}} of {{recipients}} recipients tested, at least {{smallest}} per variant; the other {{rest}} get the winner.',
          {
            tested: tested.toLocaleString(i18n.language),
            recipients: forecast.recipients.toLocaleString(i18n.language),
            smallest: Math.floor(tested / variants.length).toLocaleString(i18n.language),
            rest: (forecast.recipients - tested).toLocaleString(i18n.language),
          },
        )
      : undefined;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="ab-test-editor">
      <Card size="small" title={t('A/B test settings')}>
        <Form layout="vertical" disabled={disabled} component="div">
          <Space wrap align="start">
            <Form.Item
              label={t('Test share (%)')}
              htmlFor="ab-test-share"
              validateStatus={settingProblem('testShare') ? 'error' : undefined}
              help={settingProblem('testShare')}
            >
              <InputNumber
                id="ab-test-share"
                min={1}
                max={99}
                precision={0}
                value={abTest.testShare}
                onChange={(v) => setTest({ testShare: v as number })}
              />
            </Form.Item>
            <Form.Item
              label={t('Wait before deciding (minutes)')}
              htmlFor="ab-wait-minutes"
              validateStatus={settingProblem('waitMinutes') ? 'error' : undefined}
              help={settingProblem('waitMinutes')}
            >
              <InputNumber
                id="ab-wait-minutes"
                min={1}
                max={MAX_WAIT_MINUTES}
                precision={0}
                value={abTest.waitMinutes}
                onChange={(v) => setTest({ waitMinutes: v as number })}
              />
            </Form.Item>
          </Space>
          {groups && (
            <Typography.Paragraph type="secondary" data-testid="ab-groups">
              {groups}
            </Typography.Paragraph>
          )}
          <Space wrap align="start">
            <Form.Item
              label={t('The winner has the best')}
              validateStatus={settingProblem('metric') ? 'error' : undefined}
              help={settingProblem('metric')}
            >
              <Select
                aria-label={t('The winner has the best')}
                value={abTest.metric}
                style={{ width: 220 }}
                onChange={(metric: AbTest['metric']) => setTest({ metric })}
                options={METRICS.map((m) => ({ value: m, label: t(`metric.${m}`) }))}
              />
            </Form.Item>
            <Form.Item
              label={t('When no winner can be told')}
              validateStatus={settingProblem('undecided') ? 'error' : undefined}
              help={settingProblem('undecided')}
            >
              <Select
                aria-label={t('When no winner can be told')}
                value={abTest.undecided}
                style={{ width: 220 }}
                onChange={(undecided: AbTest['undecided']) => setTest({ undecided })}
                options={UNDECIDED.map((u) => ({ value: u, label: t(`undecided.${u}`) }))}
              />
            </Form.Item>
          </Space>
        </Form>
        {smallGroups.map((detail) => (
          <Alert
            key={detail.code}
            type="warning"
            showIcon
            data-testid="ab-small-groups"
            title={t('The test groups are too small to decide')}
            description={reasonText(detail, t, i18n.language)}
          />
        ))}
        {testProblems.map((p, k) => (
          <Alert key={k} type="error" role="alert" showIcon title={p.problem} style={{ marginTop: 8 }} />
        ))}
      </Card>
      {variants.map((variant, index) => {
        const name = letter(index);
        const nameProblem = problemsAt(errors, `variants[${index}].name`)[0]?.problem;
        const own = problemsAt(errors, `variants[${index}]`, true).concat(
          problemsAt(errors, `variants[${index}].messages`, true),
        );
        return (
          <section key={index} aria-label={t('Variant {{letter}}', { letter: name })} data-testid="variant-editor">
            <Card
              size="small"
              title={
                <span>
                  <Tag color="blue">{name}</Tag>
                  {t('Variant {{letter}}', { letter: name })}
                </span>
              }
              extra={
                <Button
                  size="small"
                  type="text"
                  danger
                  disabled={disabled || variants.length <= MIN_VARIANTS}
                  aria-label={t('Remove variant {{letter}}', { letter: name })}
                  onClick={() => onChange({ variants: variants.filter((_, i) => i !== index), abTest })}
                >
                  {t('Remove variant')}
                </Button>
              }
            >
              <Form layout="vertical" disabled={disabled} component="div">
                <Form.Item
                  label={t('Name of variant {{letter}}', { letter: name })}
                  htmlFor={`variant-${index}-name`}
                  validateStatus={nameProblem ? 'error' : undefined}
                  help={nameProblem ?? t('Shown in the results and the audit log')}
                >
                  <Input
                    id={`variant-${index}-name`}
                    maxLength={100}
                    value={variant.name}
                    onChange={(e) => setVariant(index, { name: e.target.value })}
                  />
                </Form.Item>
              </Form>
              <MessagesEditor
                messages={variant.messages as LineMessage[]}
                onChange={(messages) => setVariant(index, { messages })}
                errors={errors}
                disabled={disabled}
                path={`variants[${index}].messages`}
              />
              {own.map((p, k) => (
                <div key={k} role="alert" style={{ color: '#d4380d', fontSize: 13, marginTop: 6 }}>
                  <code>{p.field}</code>: {p.problem}
                </div>
              ))}
            </Card>
          </section>
        );
      })}
      <Button
        type="dashed"
        disabled={disabled || variants.length >= MAX_VARIANTS}
        onClick={() =>
          onChange({
            variants: [
              ...variants,
              {
                name: t('Variant {{letter}}', { letter: letter(variants.length) }),
                messages: [{ type: 'text', text: '' }],
              },
            ],
            abTest,
          })
        }
      >
        + {t('Add variant')}
      </Button>
      {variants.length >= MAX_VARIANTS && (
        <Typography.Text type="secondary">{t('An A/B test has at most 4 variants.')}</Typography.Text>
      )}
    </Space>
  );
}
