import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Col, Form, Input, Row, Space } from 'antd';
import { useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../api/client';
import type { AudienceRule, AudienceSize } from '../api/types';
import { useAccount } from '../account';
import { useAuth } from '../auth';
import { useDebounced } from '../hooks';
import { RuleBuilder } from '../components/RuleBuilder';
import { AudienceSizePanel } from '../components/AudienceSize';
import { ErrorAlert, NoAccount, PageTitle, Reason } from '../components/common';

export default function AudienceEditPage() {
  const { id } = useParams();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { account } = useAccount();
  const { can } = useAuth();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const existing = useQuery({
    queryKey: ['audience', id],
    enabled: !!id,
    queryFn: () => call(api.GET('/api/v1/audiences/{id}', { params: { path: { id: id! } } })),
  });
  const others = useQuery({
    queryKey: ['audiences', account?.id],
    enabled: !!account,
    queryFn: () =>
      call(api.GET('/api/v1/audiences', { params: { query: { lineAccountId: account!.id, limit: 100 } } })),
  });
  const campaigns = useQuery({
    queryKey: ['campaigns', account?.id, 'for-rules'],
    enabled: !!account,
    queryFn: () =>
      call(api.GET('/api/v1/campaigns', { params: { query: { lineAccountId: account!.id, limit: 100 } } })),
  });
  const [name, setName] = useState('');
  const [definition, setDefinition] = useState<AudienceRule>({ all: [{ tag: '' }] });
  useEffect(() => {
    if (existing.data) {
      setName(existing.data.name);
      setDefinition(existing.data.definition as unknown as AudienceRule);
    }
  }, [existing.data]);
  const lineAccountId = existing.data?.lineAccountId ?? account?.id;
  const mayWrite = can('marketer', 'admin');
  const settled = useDebounced(JSON.stringify(definition), 400);
  // Who may edit sees the size of the rule as it is being edited (POST /audiences/size, marketers and
  // admins only); anyone else, an approver checking who a campaign reaches, sees the saved audience's.
  const size = useQuery({
    queryKey: ['audience-size', lineAccountId, mayWrite ? settled : id],
    enabled: !!lineAccountId && (mayWrite || !!id),
    retry: false,
    placeholderData: (previous) => previous,
    queryFn: async () =>
      (mayWrite
        ? await call(
            api.POST('/api/v1/audiences/size', {
              body: { lineAccountId: lineAccountId!, definition: JSON.parse(settled) },
            }),
          )
        : await call(api.GET('/api/v1/audiences/{id}/size', { params: { path: { id: id! } } }))) as AudienceSize,
  });
  const save = useMutation({
    mutationFn: async () => {
      if (id)
        return call(
          api.PATCH('/api/v1/audiences/{id}', {
            params: { path: { id } },
            body: { version: existing.data!.version, name, definition: definition as never },
          }),
        );
      return call(
        api.POST('/api/v1/audiences', {
          body: { lineAccountId: lineAccountId!, name, definition: definition as never },
        }),
      );
    },
    onSuccess: (saved) => {
      void message.success(t('Audience saved'));
      void queryClient.invalidateQueries({ queryKey: ['audiences'] });
      queryClient.setQueryData(['audience', saved.id], saved);
      if (!id) void navigate(`/audiences/${saved.id}`, { replace: true });
    },
  });
  if (!account) return <NoAccount />;
  const sizeError = size.error instanceof ApiError ? size.error : null;
  const saveError = save.error instanceof ApiError ? save.error : null;
  const problems = [...(sizeError?.details ?? []), ...(saveError?.details ?? [])];
  return (
    <>
      <PageTitle>{id ? t('Audience') : t('New audience')}</PageTitle>
      <Row gutter={16}>
        <Col xs={24} lg={16}>
          <Form layout="vertical">
            <Form.Item
              label={t('Audience name')}
              htmlFor="audience-name"
              validateStatus={problems.some((p) => p.field === 'name') ? 'error' : undefined}
              help={problems.find((p) => p.field === 'name')?.problem}
            >
              <Input id="audience-name" value={name} disabled={!mayWrite} onChange={(e) => setName(e.target.value)} />
            </Form.Item>
          </Form>
          <RuleBuilder
            value={definition}
            onChange={setDefinition}
            errors={problems}
            disabled={!mayWrite}
            audiences={(others.data?.items ?? []).filter((a) => a.id !== id).map((a) => ({ id: a.id, name: a.name }))}
            campaigns={(campaigns.data?.items ?? []).map((c) => ({ id: c.id, name: c.name }))}
          />
          <ErrorAlert error={save.error && !saveError?.details.length ? save.error : null} />
          <Space style={{ marginTop: 16 }}>
            {mayWrite ? (
              <Button type="primary" onClick={() => save.mutate()} loading={save.isPending} disabled={!name}>
                {t('Save audience')}
              </Button>
            ) : (
              <Reason>{t('Marketers and admins edit audiences.')}</Reason>
            )}
          </Space>
        </Col>
        <Col xs={24} lg={8}>
          <AudienceSizePanel size={sizeError ? undefined : size.data} loading={size.isFetching} />
          {sizeError && !sizeError.details.length && <ErrorAlert error={sizeError} />}
        </Col>
      </Row>
    </>
  );
}
