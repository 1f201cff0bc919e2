import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Form, Input, InputNumber, Radio, Row, Select, Space, Typography } from 'antd';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../api/client';
import type { Campaign, Forecast, Suggestion } from '../api/types';
import { useAccount } from '../account';
import { useAuth } from '../auth';
import { formatMoney, formatTime, fromZonedInput, toZonedInput } from '../format';
import { ForecastPanel } from '../components/ForecastPanel';
import { CronOccurrences } from '../components/CronOccurrences';
import { useDraftForecast, type DraftForecastBody } from '../components/DraftForecast';
import { MessagesEditor, type LineMessage } from '../components/MessagesEditor';
import { PhonePreview } from '../components/PhonePreview';
import { CampaignActions } from '../components/CampaignActions';
import { RunsTable } from '../components/RunsTable';
import { ResultsPanel } from '../components/ResultsPanel';
import { letter } from '../components/AbTestView';
import { AbTestEditor, NEW_AB_TEST } from '../components/AbTestEditor';
import { ErrorAlert, NoAccount, PageTitle, Reason } from '../components/common';

type ScheduleMode = 'now' | 'once' | 'cron';

interface Draft {
  name: string;
  audienceId: string | undefined;
  messages: LineMessage[];
  mode: ScheduleMode;
  at: string;
  cron: string;
  until: string;
  overBudgetPolicy: 'block' | 'trim' | 'defer';
  costCap: string;
  maxRecipients: number | null;
  /** The campaign's frequency cap: the account's, its own (two numbers), or none. */
  capMode: 'account' | 'own' | 'none';
  capMessages: number | null;
  capDays: number | null;
  /** An A/B test's variants and settings (null: plain messages), as the API names them. */
  variants: Campaign['variants'];
  abTest: Campaign['abTest'];
  /** Policy defer's order: a seeded random one, or by a contact attribute (kept under the other policies, as the API keeps it). */
  deferBy: 'random' | 'attribute';
  deferAttribute: string;
  deferOrder: 'desc' | 'asc';
  /** The variant the phone shows. */
  previewVariant: number;
}

function draftOf(campaign: Campaign | undefined, timeZone: string): Draft {
  const schedule = campaign?.schedule ?? null;
  return {
    name: campaign?.name ?? '',
    audienceId: campaign?.audienceId,
    messages: (campaign?.messages as LineMessage[] | undefined) ?? [{ type: 'text', text: '' }],
    mode: schedule?.cron ? 'cron' : schedule?.at ? 'once' : 'now',
    at: schedule?.at ? toZonedInput(schedule.at, timeZone) : '',
    cron: schedule?.cron ?? '0 10 * * 1',
    until: schedule?.until ? toZonedInput(schedule.until, timeZone) : '',
    overBudgetPolicy: campaign?.overBudgetPolicy ?? 'block',
    costCap: campaign?.costCap?.amount ?? '',
    maxRecipients: campaign?.maxRecipients ?? null,
    ...capDraftOf(campaign?.frequencyCap ?? null),
    variants: campaign?.variants ?? null,
    abTest: campaign?.abTest ?? null,
    deferBy: campaign?.deferPriority ? 'attribute' : 'random',
    deferAttribute: campaign?.deferPriority?.attribute ?? '',
    deferOrder: campaign?.deferPriority?.order ?? 'desc',
    previewVariant: 0,
  };
}

function capDraftOf(cap: Campaign['frequencyCap']): Pick<Draft, 'capMode' | 'capMessages' | 'capDays'> {
  if (cap === 'none') return { capMode: 'none', capMessages: null, capDays: null };
  if (cap && typeof cap === 'object') return { capMode: 'own', capMessages: cap.messages, capDays: cap.days };
  return { capMode: 'account', capMessages: null, capDays: null };
}

function bodyOf(draft: Draft, timeZone: string) {
  return {
    name: draft.name,
    audienceId: draft.audienceId!,
    // One or the other: an edit that turns an A/B test back into plain messages says so with nulls.
    ...(draft.variants
      ? { variants: draft.variants, abTest: draft.abTest }
      : { messages: draft.messages, variants: null, abTest: null }),
    schedule:
      draft.mode === 'once'
        ? { at: draft.at ? fromZonedInput(draft.at, timeZone) : '' }
        : draft.mode === 'cron'
          ? ({
              cron: draft.cron,
              timezone: timeZone,
              // Required, as the API says: left out when empty, so the API answers that schedule.until
              // is required, shown on its field (an empty string would be refused as a malformed date).
              ...(draft.until ? { until: fromZonedInput(draft.until, timeZone) } : {}),
            } as { cron: string; timezone: string; until: string })
          : null,
    overBudgetPolicy: draft.overBudgetPolicy,
    costCap: draft.costCap.trim() === '' ? null : draft.costCap.trim(),
    maxRecipients: draft.maxRecipients,
    frequencyCap:
      draft.capMode === 'none'
        ? ('none' as const)
        : draft.capMode === 'own'
          ? ({ messages: draft.capMessages, days: draft.capDays } as { messages: number; days: number })
          : null,
    deferPriority:
      draft.deferBy === 'attribute' ? { attribute: draft.deferAttribute.trim(), order: draft.deferOrder } : null,
  };
}

/** The draft as an A/B test (its messages become variant A's) or back as plain messages (variant A's). */
function withAbTest(draft: Draft, on: boolean, nameOf: (index: number) => string): Draft {
  if (on === !!draft.variants) return draft;
  if (!on)
    return {
      ...draft,
      messages: (draft.variants?.[0]?.messages as LineMessage[] | undefined) ?? [{ type: 'text', text: '' }],
      variants: null,
      abTest: null,
      previewVariant: 0,
    };
  return {
    ...draft,
    variants: [
      { name: nameOf(0), messages: draft.messages },
      { name: nameOf(1), messages: [{ type: 'text', text: '' }] },
    ],
    abTest: draft.abTest ?? NEW_AB_TEST,
    // An A/B test sends once and is reserved whole: no recurring schedule, no deferral.
    mode: draft.mode === 'cron' ? 'now' : draft.mode,
    overBudgetPolicy: draft.overBudgetPolicy === 'defer' ? 'block' : draft.overBudgetPolicy,
    previewVariant: 0,
  };
}

export default function CampaignEditPage() {
  const { id } = useParams();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { account, accounts } = useAccount();
  const { can } = useAuth();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const campaign = useQuery({
    queryKey: ['campaign', id],
    enabled: !!id,
    refetchInterval: (query) => (query.state.data?.status === 'sending' ? 2_000 : false),
    queryFn: () => call(api.GET('/api/v1/campaigns/{id}', { params: { path: { id: id! } } })),
  });
  const campaignAccount = accounts.find((a) => a.id === (campaign.data?.lineAccountId ?? account?.id)) ?? account;
  const tz = campaignAccount?.timezone ?? 'UTC';
  const [draft, setDraft] = useState<Draft>(() => draftOf(undefined, tz));
  const [savedJson, setSavedJson] = useState<string | null>(null);
  useEffect(() => {
    if (campaign.data) {
      const next = draftOf(campaign.data, tz);
      setDraft(next);
      setSavedJson(JSON.stringify(next));
    }
  }, [campaign.data, tz]);
  const audiences = useQuery({
    queryKey: ['audiences', campaignAccount?.id],
    enabled: !!campaignAccount,
    queryFn: () =>
      call(api.GET('/api/v1/audiences', { params: { query: { lineAccountId: campaignAccount!.id, limit: 100 } } })),
  });
  const editable = !campaign.data || campaign.data.status === 'draft';
  // A completed or cancelled campaign sends nothing more: a forecast of sending it now (an "OK to
  // send" or "Over budget" verdict, trims to apply) would describe a send nobody can make; what it
  // did cost is under Results.
  const finished = campaign.data?.status === 'completed' || campaign.data?.status === 'cancelled';
  // A draft (saved or not) is forecast live as it is edited; a campaign past draft, as saved.
  const liveBody = useMemo<DraftForecastBody | null>(
    () =>
      editable && campaignAccount && draft.audienceId && (!id || campaign.data)
        ? { ...bodyOf(draft, tz), lineAccountId: campaignAccount.id }
        : null,
    [editable, campaignAccount, draft, tz, id, campaign.data],
  );
  const live = useDraftForecast(liveBody);
  const forecast = useQuery({
    queryKey: ['forecast', id, campaign.data?.version],
    enabled: !!campaign.data && !editable && !finished,
    refetchInterval: 30_000,
    queryFn: async () =>
      (await call(api.GET('/api/v1/campaigns/{id}/forecast', { params: { path: { id: id! } } }))) as Forecast,
  });
  const runs = useQuery({
    queryKey: ['runs', id],
    enabled: !!id,
    refetchInterval: 2_000,
    queryFn: () => call(api.GET('/api/v1/campaigns/{id}/runs', { params: { path: { id: id! } } })),
  });
  const save = useMutation({
    mutationFn: async (next: Draft) => {
      const body = bodyOf(next, tz);
      if (id)
        return call(
          api.PATCH('/api/v1/campaigns/{id}', {
            params: { path: { id } },
            body: { ...body, version: campaign.data!.version } as never,
          }),
        );
      return call(api.POST('/api/v1/campaigns', { body: { ...body, lineAccountId: campaignAccount!.id } as never }));
    },
    onSuccess: (saved) => {
      void message.success(t('Campaign saved'));
      queryClient.setQueryData(['campaign', saved.id], saved);
      void queryClient.invalidateQueries({ queryKey: ['campaigns'] });
      if (!id) void navigate(`/campaigns/${saved.id}`, { replace: true });
    },
  });
  const planChange = useMutation({
    mutationFn: (plan: string) =>
      call(
        api.PATCH('/api/v1/line-accounts/{id}', {
          params: { path: { id: campaignAccount!.id } },
          body: { plan, version: campaignAccount!.version } as never,
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['line-accounts'] });
      void queryClient.invalidateQueries({ queryKey: ['forecast'] });
      void queryClient.invalidateQueries({ queryKey: ['forecast-draft'] });
    },
  });
  // The live forecast's problems (the draft as it stands) first, then the last save's: each on its field.
  const problems = useMemo(
    () => [...live.problems, ...(save.error instanceof ApiError ? save.error.details : [])],
    [live.problems, save.error],
  );
  if (!campaignAccount) return <NoAccount />;
  const mayWrite = can('marketer', 'admin') && editable;
  const dirty = !!id && savedJson !== null && savedJson !== JSON.stringify({ ...draft, previewVariant: 0 });
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const fieldProblem = (field: string) => problems.find((p) => p.field === field || p.field.startsWith(`${field}.`));
  const isAbTest = !!draft.variants && !!draft.abTest;
  const variantName = (index: number) => t('Variant {{letter}}', { letter: letter(index) });
  const apply = (suggestion: Suggestion) => {
    if (suggestion.kind === 'plan') return planChange.mutate(suggestion.plan);
    const next =
      suggestion.kind === 'trim'
        ? { ...draft, maxRecipients: suggestion.maxRecipients }
        : suggestion.kind === 'defer'
          ? { ...draft, overBudgetPolicy: 'defer' as const }
          : // The API's instant, shown on the field in the account's zone (the field's own): the browser decides nothing.
            { ...draft, mode: 'once' as const, at: toZonedInput(suggestion.at!, tz) };
    // On the draft at once (the live forecast follows); a saved draft is saved with it, in the same click.
    setDraft(next);
    if (id) save.mutate(next);
  };
  const cannotApply = (suggestion: Suggestion): string | null => {
    if (suggestion.kind === 'plan') return can('admin') ? null : t('An admin changes the plan.');
    if (!can('marketer', 'admin')) return t('Marketers and admins edit campaigns.');
    if (!editable) return t('Withdraw the campaign to edit it.');
    // An API that didn't say when (an older one) leaves the time to the marketer.
    if (suggestion.kind === 'next_month' && !suggestion.at) return t('Set the time of the send yourself.');
    if (suggestion.kind === 'defer' && draft.mode === 'cron')
      return t('Defer applies to one-off and send-now campaigns, not to a recurring schedule.');
    return null;
  };
  return (
    <>
      <PageTitle extra={<Link to="/campaigns">{t('All campaigns')}</Link>}>
        {campaign.data ? campaign.data.name : t('New campaign')}
      </PageTitle>
      {campaign.data && (
        <Card style={{ marginBottom: 16 }}>
          <CampaignActions campaign={campaign.data} />
          {campaign.data.lastRejection && campaign.data.status === 'draft' && (
            <Typography.Paragraph type="danger" style={{ marginTop: 8, marginBottom: 0 }}>
              {t('Rejected: {{reason}}', { reason: campaign.data.lastRejection.reason })}
            </Typography.Paragraph>
          )}
          {campaign.data.approval && (
            <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
              {t('Approved at {{time}} for {{cost}}', {
                time: formatTime(campaign.data.approval.approvedAt, tz),
                cost: formatMoney(campaign.data.approval.cost),
              })}
            </Typography.Paragraph>
          )}
        </Card>
      )}
      <Row gutter={16}>
        <Col xs={24} xl={10}>
          <Card title={t('Campaign')}>
            <Form layout="vertical" disabled={!mayWrite}>
              <Form.Item
                label={t('Campaign name')}
                htmlFor="campaign-name"
                validateStatus={fieldProblem('name') ? 'error' : undefined}
                help={fieldProblem('name')?.problem}
              >
                <Input id="campaign-name" value={draft.name} onChange={(e) => set({ name: e.target.value })} />
              </Form.Item>
              <Form.Item
                label={t('Audience')}
                validateStatus={fieldProblem('audienceId') ? 'error' : undefined}
                help={fieldProblem('audienceId')?.problem}
              >
                <Select
                  aria-label={t('Audience')}
                  value={draft.audienceId}
                  onChange={(audienceId: string) => set({ audienceId })}
                  options={(audiences.data?.items ?? []).map((a) => ({ value: a.id, label: a.name }))}
                  placeholder={t('Choose an audience')}
                />
              </Form.Item>
            </Form>
            <Typography.Title level={2} style={{ fontSize: 16 }}>
              {t('Messages')}
            </Typography.Title>
            <Radio.Group
              aria-label={t('Content')}
              style={{ marginBottom: 12 }}
              disabled={!mayWrite}
              value={isAbTest ? 'ab' : 'plain'}
              onChange={(e) => setDraft((d) => withAbTest(d, e.target.value === 'ab', variantName))}
              options={[
                { value: 'plain', label: t('One set of messages') },
                { value: 'ab', label: t('A/B test (2 to 4 variants)') },
              ]}
            />
            {draft.variants && draft.abTest ? (
              <AbTestEditor
                variants={draft.variants}
                abTest={draft.abTest}
                onChange={({ variants, abTest }) =>
                  setDraft((d) => ({
                    ...d,
                    variants,
                    abTest,
                    previewVariant: Math.min(d.previewVariant, variants.length - 1),
                  }))
                }
                errors={problems}
                disabled={!mayWrite}
                forecast={live.forecast ?? forecast.data}
              />
            ) : (
              <MessagesEditor
                messages={draft.messages}
                onChange={(messages) => set({ messages })}
                errors={problems}
                disabled={!mayWrite}
              />
            )}
            <Typography.Title level={2} style={{ fontSize: 16, marginTop: 16 }}>
              {t('Schedule')}
            </Typography.Title>
            <Form layout="vertical" disabled={!mayWrite}>
              <Form.Item>
                <Radio.Group
                  aria-label={t('Schedule')}
                  value={draft.mode}
                  onChange={(e) => set({ mode: e.target.value as ScheduleMode })}
                  options={[
                    { value: 'now', label: t('When approved, sent with "Send now"') },
                    { value: 'once', label: t('Once, at a time') },
                    { value: 'cron', label: t('Recurring (cron)'), disabled: isAbTest },
                  ]}
                />
              </Form.Item>
              {isAbTest && (
                <Typography.Paragraph type="secondary" style={{ marginTop: -12 }}>
                  {t('An A/B test sends once: no recurring schedule, and no deferral.')}
                </Typography.Paragraph>
              )}
              {draft.mode === 'once' && (
                <Form.Item
                  label={t('Send at ({{zone}})', { zone: tz })}
                  htmlFor="campaign-at"
                  validateStatus={fieldProblem('schedule') ? 'error' : undefined}
                  help={fieldProblem('schedule')?.problem}
                >
                  <Input
                    id="campaign-at"
                    type="datetime-local"
                    value={draft.at}
                    onChange={(e) => set({ at: e.target.value })}
                  />
                </Form.Item>
              )}
              {draft.mode === 'cron' && (
                <>
                  <Form.Item
                    label={t('Cron (minute hour day month weekday), in {{zone}}', { zone: tz })}
                    htmlFor="campaign-cron"
                    validateStatus={
                      (fieldProblem('schedule.cron') ?? fieldProblem('schedule.timezone')) ? 'error' : undefined
                    }
                    help={(fieldProblem('schedule.cron') ?? fieldProblem('schedule.timezone'))?.problem}
                  >
                    <Input id="campaign-cron" value={draft.cron} onChange={(e) => set({ cron: e.target.value })} />
                  </Form.Item>
                  <Form.Item
                    label={t('Last send no later than ({{zone}})', { zone: tz })}
                    htmlFor="campaign-until"
                    validateStatus={fieldProblem('schedule.until') ? 'error' : undefined}
                    help={fieldProblem('schedule.until')?.problem}
                  >
                    <Input
                      id="campaign-until"
                      type="datetime-local"
                      value={draft.until}
                      onChange={(e) => set({ until: e.target.value })}
                    />
                  </Form.Item>
                  <CronOccurrences
                    cron={draft.cron}
                    timeZone={tz}
                    until={draft.until ? fromZonedInput(draft.until, tz) : undefined}
                  />
                </>
              )}
              <Form.Item
                label={t('Over budget')}
                validateStatus={fieldProblem('overBudgetPolicy') ? 'error' : undefined}
                help={fieldProblem('overBudgetPolicy')?.problem}
              >
                <Radio.Group
                  aria-label={t('Over budget')}
                  value={draft.overBudgetPolicy}
                  onChange={(e) => set({ overBudgetPolicy: e.target.value as Draft['overBudgetPolicy'] })}
                  options={[
                    { value: 'block', label: t('Block the send') },
                    { value: 'trim', label: t('Send to as many as fit') },
                    {
                      value: 'defer',
                      label: t('Send the free part now, the rest at the monthly reset'),
                      disabled: isAbTest || draft.mode === 'cron',
                    },
                  ]}
                />
              </Form.Item>
              {draft.overBudgetPolicy === 'defer' && (
                <DeferPriorityEditor draft={draft} set={set} problem={fieldProblem} disabled={!mayWrite} />
              )}
              <Space wrap>
                <Form.Item
                  htmlFor="campaign-cost-cap"
                  label={t('Cost cap ({{currency}})', {
                    currency: (live.forecast ?? forecast.data)?.cost.currency ?? campaignAccount.monthlyBudget.currency,
                  })}
                  validateStatus={fieldProblem('costCap') ? 'error' : undefined}
                  help={fieldProblem('costCap')?.problem}
                >
                  <Input
                    id="campaign-cost-cap"
                    value={draft.costCap}
                    placeholder={t('none')}
                    onChange={(e) => set({ costCap: e.target.value })}
                    style={{ width: 140 }}
                  />
                </Form.Item>
                <Form.Item
                  label={t('At most this many recipients')}
                  htmlFor="campaign-max-recipients"
                  validateStatus={fieldProblem('maxRecipients') ? 'error' : undefined}
                  help={fieldProblem('maxRecipients')?.problem}
                >
                  <InputNumber
                    id="campaign-max-recipients"
                    min={1}
                    value={draft.maxRecipients}
                    placeholder={t('all')}
                    onChange={(v) => set({ maxRecipients: v ?? null })}
                  />
                </Form.Item>
              </Space>
              <Form.Item
                label={t('Frequency cap')}
                validateStatus={fieldProblem('frequencyCap') ? 'error' : undefined}
                help={
                  fieldProblem('frequencyCap')?.problem ??
                  (draft.capMode === 'account'
                    ? campaignAccount?.frequencyCap
                      ? t("The account's: {{messages}} in {{days}} days", campaignAccount.frequencyCap)
                      : t('The account has none')
                    : undefined)
                }
              >
                <Space wrap>
                  <Radio.Group
                    aria-label={t('Frequency cap')}
                    value={draft.capMode}
                    onChange={(e) => set({ capMode: e.target.value as Draft['capMode'] })}
                    options={[
                      { value: 'account', label: t("The account's") },
                      { value: 'own', label: t('Its own') },
                      { value: 'none', label: t('None') },
                    ]}
                  />
                  {draft.capMode === 'own' && (
                    <>
                      <InputNumber
                        aria-label={t('Sends per contact')}
                        min={1}
                        max={1000}
                        precision={0}
                        value={draft.capMessages}
                        onChange={(v) => set({ capMessages: v ?? null })}
                      />
                      <span>{t('in any')}</span>
                      <InputNumber
                        aria-label={t('Days')}
                        min={1}
                        max={90}
                        precision={0}
                        value={draft.capDays}
                        onChange={(v) => set({ capDays: v ?? null })}
                      />
                      <span>{t('days')}</span>
                    </>
                  )}
                </Space>
              </Form.Item>
            </Form>
            <ErrorAlert error={save.error} />
            {mayWrite ? (
              <Button
                type="primary"
                onClick={() => save.mutate(draft)}
                loading={save.isPending}
                disabled={!draft.name || !draft.audienceId}
              >
                {id ? t('Save draft') : t('Create draft')}
              </Button>
            ) : (
              <Reason>
                {!can('marketer', 'admin')
                  ? t('Marketers and admins edit campaigns.')
                  : t('Withdraw the campaign to edit it.')}
              </Reason>
            )}
          </Card>
        </Col>
        <Col xs={24} md={12} xl={6}>
          {draft.variants && (
            <Radio.Group
              aria-label={t('Preview variant')}
              optionType="button"
              size="small"
              style={{ marginBottom: 8 }}
              value={Math.min(draft.previewVariant, draft.variants.length - 1)}
              onChange={(e) => set({ previewVariant: e.target.value as number })}
              options={draft.variants.map((_, index) => ({ value: index, label: variantName(index) }))}
            />
          )}
          <PhonePreview
            messages={
              draft.variants
                ? ((draft.variants[Math.min(draft.previewVariant, draft.variants.length - 1)]?.messages ??
                    []) as LineMessage[])
                : draft.messages
            }
            accountName={campaignAccount.name}
          />
          {campaign.data && can('marketer', 'admin') && <TestSend campaign={campaign.data} />}
        </Col>
        <Col xs={24} md={12} xl={8}>
          {editable ? (
            <ForecastPanel
              forecast={live.forecast}
              loading={live.updating}
              updating={live.updating}
              problems={live.problems}
              timeZone={tz}
              stale={false}
              onApply={apply}
              applying={save.isPending || planChange.isPending}
              cannotApply={cannotApply}
              emptyText={t('Choose an audience to see the forecast.')}
              sendAt={live.forecast?.sendAt}
            />
          ) : finished ? (
            <Card title={t('Forecast')}>
              <Typography.Text type="secondary" data-testid="forecast-finished">
                {t('This campaign sends nothing more: what it cost is under Results.')}
              </Typography.Text>
            </Card>
          ) : (
            <ForecastPanel
              forecast={forecast.data}
              loading={forecast.isFetching}
              timeZone={tz}
              stale={dirty}
              onApply={apply}
              applying={save.isPending || planChange.isPending}
              cannotApply={cannotApply}
            />
          )}
          <ErrorAlert error={(editable ? live.error : forecast.error) ?? planChange.error} />
        </Col>
      </Row>
      {id && (
        <Card title={t('Runs')} style={{ marginTop: 16 }}>
          <RunsTable runs={runs.data?.items ?? []} timeZone={tz} />
        </Card>
      )}
      {id && <ResultsPanel campaignId={id} timeZone={tz} />}
    </>
  );
}

function TestSend({ campaign }: { campaign: Campaign }) {
  const { t } = useTranslation();
  const [ids, setIds] = useState<string[]>([]);
  const preview = useQuery({
    queryKey: ['audience-preview', campaign.audienceId],
    queryFn: () =>
      call(
        api.GET('/api/v1/audiences/{id}/preview', {
          params: { path: { id: campaign.audienceId }, query: { limit: 20 } },
        }),
      ),
  });
  const send = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/campaigns/{id}/test-send', {
          params: { path: { id: campaign.id } },
          body: { lineUserIds: ids },
        }),
      ),
  });
  return (
    <Card title={t('Test send')} size="small" style={{ marginTop: 16, maxWidth: 300 }}>
      <Select
        mode="multiple"
        aria-label={t('Test recipients')}
        style={{ width: '100%' }}
        maxCount={10}
        value={ids}
        onChange={setIds}
        placeholder={t('Up to 10 contacts')}
        options={(preview.data?.items ?? []).map((c) => ({
          value: c.lineUserId,
          label: c.displayName ?? c.lineUserId,
        }))}
      />
      <Button style={{ marginTop: 8 }} disabled={!ids.length} loading={send.isPending} onClick={() => send.mutate()}>
        {t('Send test')}
      </Button>
      {send.data && (
        <Typography.Paragraph style={{ marginTop: 8 }}>
          {t('{{accepted}} of {{total}} accepted; counted: {{messages}} messages, {{cost}}', {
            accepted: send.data.results.filter((r) => r.accepted).length,
            total: send.data.results.length,
            messages: send.data.messagesCounted,
            cost: formatMoney(send.data.cost),
          })}
        </Typography.Paragraph>
      )}
      <ErrorAlert error={send.error} />
    </Card>
  );
}

/** Policy defer: who gets the free part now — a seeded random order, or by a contact attribute. */
function DeferPriorityEditor({
  draft,
  set,
  problem,
  disabled,
}: {
  draft: Draft;
  set(patch: Partial<Draft>): void;
  problem(field: string): { problem: string } | undefined;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  const attributeProblem = problem('deferPriority.attribute') ?? problem('deferPriority');
  return (
    <div data-testid="defer-priority">
      <Form.Item label={t('Who gets the free part first')} style={{ marginBottom: 8 }}>
        <Radio.Group
          aria-label={t('Who gets the free part first')}
          disabled={disabled}
          value={draft.deferBy}
          onChange={(e) => set({ deferBy: e.target.value as Draft['deferBy'] })}
          options={[
            { value: 'random', label: t('A random order (seeded)') },
            { value: 'attribute', label: t('By a contact attribute') },
          ]}
        />
      </Form.Item>
      {draft.deferBy === 'attribute' && (
        <Space wrap align="start" style={{ marginBottom: 16 }}>
          <Form.Item
            label={t('Attribute')}
            htmlFor="defer-attribute"
            validateStatus={attributeProblem ? 'error' : undefined}
            help={attributeProblem?.problem ?? t('Contacts without it go last.')}
            style={{ marginBottom: 0 }}
          >
            <Input
              id="defer-attribute"
              placeholder="points"
              maxLength={64}
              value={draft.deferAttribute}
              onChange={(e) => set({ deferAttribute: e.target.value })}
              style={{ width: 180 }}
            />
          </Form.Item>
          <Form.Item
            label={t('Goes first')}
            validateStatus={problem('deferPriority.order') ? 'error' : undefined}
            help={problem('deferPriority.order')?.problem}
            style={{ marginBottom: 0 }}
          >
            <Select
              aria-label={t('Goes first')}
              value={draft.deferOrder}
              style={{ width: 180 }}
              onChange={(deferOrder: Draft['deferOrder']) => set({ deferOrder })}
              options={[
                { value: 'desc', label: t('The highest values') },
                { value: 'asc', label: t('The lowest values') },
              ]}
            />
          </Form.Item>
        </Space>
      )}
    </div>
  );
}
