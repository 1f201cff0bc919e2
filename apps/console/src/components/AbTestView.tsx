import { Alert, Card, List, Space, Table, Tag, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../api/client';
import { formatNumber } from '../format';
import type { LineMessage } from './MessagesEditor';
import { PhonePreview } from './PhonePreview';

type Variant = Schemas['CampaignVariantDto'];
type AbTest = Schemas['CampaignAbTestDto'];
type AbTestResults = Schemas['AbTestResultsDto'];
type RunResults = Schemas['RunResultsDto'];

/** "A", "B", … */
export const letter = (index: number) => String.fromCharCode(65 + index);

/** What a message shows in a line of text: its text, its alt text, or its type. */
function summary(message: LineMessage): string {
  const record = message as Record<string, unknown>;
  if (typeof record.text === 'string') return record.text;
  if (typeof record.altText === 'string') return record.altText;
  return String(record.type);
}

/** An A/B test's settings in one sentence: who is tested, for how long, by what, and the undecided rule. */
export function describeAbTest(abTest: AbTest, t: TFunction): string {
  return t(
    '{{share}}% of the recipients get a variant, split evenly; after {{minutes}} minutes the one with the best {{metric}} goes to the rest. Undecided: {{rule}}.',
    {
      share: abTest.testShare,
      minutes: abTest.waitMinutes,
      metric: t(`metric.${abTest.metric}`),
      rule: t(`undecided.${abTest.undecided}`),
    },
  );
}

/** An A/B test's variants and its settings, as the API holds them (they are written through the API). */
export function AbTestVariants({ variants, abTest }: { variants: Variant[]; abTest: AbTest }) {
  const { t } = useTranslation();
  return (
    <Card size="small" title={t('A/B test')} data-testid="ab-test-variants">
      <Typography.Paragraph>{describeAbTest(abTest, t)}</Typography.Paragraph>
      <List
        size="small"
        dataSource={variants}
        renderItem={(variant, index) => (
          <List.Item>
            <Space orientation="vertical" size={0}>
              <span>
                <Tag color="blue">{letter(index)}</Tag>
                <Typography.Text strong>{variant.name}</Typography.Text>
              </span>
              {(variant.messages as LineMessage[]).map((message, i) => (
                <Typography.Text key={i} type="secondary">
                  {summary(message)}
                </Typography.Text>
              ))}
            </Space>
          </List.Item>
        )}
      />
    </Card>
  );
}

/** The decision's structured fields (the remainder's abTest.decision), as the API stores them. */
interface AbDecisionRecord {
  outcome?: string;
  winner?: string | null;
  reason?: string | null;
  metric?: string;
  margin?: string;
  undecided?: string;
  figures?: { variant: string; rate: string | null }[];
  lineUnavailable?: { attempts: number; lastError: string } | null;
  summary?: string;
}

/**
 * How the winner was decided, in the reader's language from the decision's fields (its `summary` is
 * the API's English for logs); a decision without the fields falls back to that summary.
 */
export function decisionText(
  decision: AbDecisionRecord | null,
  t: (key: string, options?: Record<string, unknown>) => string,
  rateText: (rate: string | null) => string,
): string | undefined {
  if (!decision?.outcome || !decision.figures) return decision?.summary;
  const figures = decision.figures
    .map((f) => `${f.variant} ${f.rate === null ? t('fewer than 20') : rateText(f.rate)}`)
    .join(t(', '));
  const margin = decision.margin ? rateText(decision.margin) : '—';
  const then = t(`abThen.${decision.outcome}`, { defaultValue: decision.outcome });
  const rule = t(`abRule.${decision.undecided}`, { defaultValue: decision.undecided ?? '' });
  if (decision.lineUnavailable)
    return t(
      "LINE's statistics could not be read ({{attempts}} attempts, the last: {{error}}), so no winner could be told: rule “{{rule}}” → {{then}}",
      { attempts: decision.lineUnavailable.attempts, error: decision.lineUnavailable.lastError, rule, then },
    );
  if (decision.outcome === 'winner')
    return t('Variant {{winner}} wins by {{metric}} ({{figures}}; margin {{margin}})', {
      winner: decision.winner,
      metric: t(`metric.${decision.metric}`),
      figures,
      margin,
    });
  return t('Undecided ({{reason}}: {{figures}}; margin {{margin}}): rule “{{rule}}” → {{then}}', {
    reason: t(`abReason.${decision.reason}`, { defaultValue: decision.reason ?? '' }),
    figures,
    margin,
    rule,
    then,
  });
}

/** Each variant's figures side by side, the remainder's, and how the winner was decided. */
export function AbTestResultsView({
  abTest,
  countText,
  rateText,
}: {
  abTest: AbTestResults;
  countText: (run: RunResults, metric: string) => React.ReactNode;
  rateText: (rate: string | null) => string;
}) {
  const { t, i18n } = useTranslation();
  const decision = abTest.decision as AbDecisionRecord | null;
  const rows = [...abTest.variants, ...(abTest.remainder ? [abTest.remainder] : [])];
  const rateOf = (run: RunResults) =>
    abTest.metric === 'unique_click_rate' ? run.rates.uniqueClickRate : run.rates.uniqueImpressionRate;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="ab-test-results">
      <Alert
        type={abTest.outcome === 'winner' ? 'success' : 'info'}
        showIcon
        title={
          abTest.outcome === 'waiting'
            ? t('The A/B test is waiting for its figures.')
            : abTest.winner
              ? t('Variant {{winner}} went to the rest ({{outcome}}).', {
                  winner: abTest.winner,
                  outcome: t(`abOutcome.${abTest.outcome}`),
                })
              : t(`abOutcome.${abTest.outcome}`)
        }
        description={decisionText(decision, t, rateText)}
      />
      <Table
        size="small"
        rowKey="runId"
        pagination={false}
        dataSource={rows}
        columns={[
          {
            title: t('Variant'),
            render: (_, run: RunResults) =>
              run.abPart === 'remainder' ? t('{{variant}} to the rest', { variant: run.variant ?? '—' }) : run.variant,
          },
          { title: t('Name'), render: (_, run: RunResults) => run.variantName ?? '—' },
          { title: t('Delivered'), render: (_, run: RunResults) => formatNumber(run.delivered, i18n.language) },
          {
            // The column holds the metric's count (the rate is the next one): "Unique clicks".
            title: t(`metricCount.${abTest.metric}`),
            render: (_, run: RunResults) => countText(run, abTest.metric),
          },
          { title: t('Rate'), render: (_, run: RunResults) => rateText(rateOf(run)) },
        ]}
      />
    </Space>
  );
}

/**
 * What an approver sees sent: the messages in a phone, or on an A/B test (whose messages are empty)
 * the test's settings in words and each variant's messages in a phone of its own, labelled.
 */
export function CampaignPreview({
  campaign,
  accountName,
}: {
  campaign: { messages: unknown[]; variants: Variant[] | null; abTest: AbTest | null };
  accountName: string;
}) {
  const { t } = useTranslation();
  if (!campaign.variants?.length || !campaign.abTest)
    return <PhonePreview messages={campaign.messages as LineMessage[]} accountName={accountName} />;
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="variant-previews">
      <Typography.Paragraph data-testid="ab-test-settings">
        <Tag color="purple">{t('A/B test')}</Tag>
        {describeAbTest(campaign.abTest, t)}
      </Typography.Paragraph>
      {campaign.variants.map((variant, index) => (
        <div key={index} data-testid="variant-preview">
          <Typography.Text strong>
            {t('Variant {{letter}}: {{name}}', { letter: letter(index), name: variant.name })}
          </Typography.Text>
          <PhonePreview messages={variant.messages as LineMessage[]} accountName={accountName} />
        </div>
      ))}
    </Space>
  );
}
