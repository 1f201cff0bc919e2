// The workflow buttons a campaign offers this person in its current status. What the role or the
// rules don't allow is not offered, or shown disabled with the reason.
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Input, Modal, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../api/client';
import type { Campaign, Run } from '../api/types';
import { useAuth } from '../auth';
import { blockReasonText } from '../reasons';
import { Reason } from './common';
import { SendNowConfirm } from './SendNowConfirm';

type Action = 'submit' | 'withdraw' | 'approve' | 'reject' | 'send-now' | 'pause' | 'resume' | 'cancel';

/** Where POST /campaigns/:id/withdraw is allowed (the API's workflow; not while a run sends). */
const WITHDRAWABLE: readonly Campaign['status'][] = ['pending_approval', 'approved', 'paused', 'blocked', 'failed'];

export function CampaignActions({ campaign, onDone }: { campaign: Campaign; onDone?(): void }) {
  const { t, i18n } = useTranslation();
  const { user, can } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<'approve' | 'reject' | 'override' | null>(null);
  const [confirmSend, setConfirmSend] = useState(false);
  const [text, setText] = useState('');
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const run = useMutation({
    mutationFn: async ({ action, body }: { action: Action; body?: Record<string, unknown> }) => {
      const path = { params: { path: { id: campaign.id } } };
      const withVersion = { version: campaign.version, ...body };
      switch (action) {
        case 'submit':
          return call(api.POST('/api/v1/campaigns/{id}/submit', { ...path, body: withVersion }));
        case 'withdraw':
          return call(api.POST('/api/v1/campaigns/{id}/withdraw', { ...path, body: withVersion }));
        case 'approve':
          return call(api.POST('/api/v1/campaigns/{id}/approve', { ...path, body: withVersion }));
        case 'reject':
          return call(
            api.POST('/api/v1/campaigns/{id}/reject', { ...path, body: withVersion as unknown as { reason: string } }),
          );
        case 'send-now':
          return call(api.POST('/api/v1/campaigns/{id}/send-now', { ...path, body: body ?? {} }));
        case 'pause':
          return call(api.POST('/api/v1/campaigns/{id}/pause', { ...path, body: {} }));
        case 'resume':
          return call(api.POST('/api/v1/campaigns/{id}/resume', { ...path, body: {} }));
        case 'cancel':
          return call(api.POST('/api/v1/campaigns/{id}/cancel', { ...path, body: {} }));
      }
    },
    onMutate: () => setRefusal(null),
    onSuccess: (_, { action }) => {
      void message.success(t(`done.${action}`));
      setDialog(null);
      setConfirmSend(false);
      setText('');
      onDone?.();
    },
    onError: (error) => {
      setConfirmSend(false); // the refusal and its reasons show on the page
      if (error instanceof ApiError) setRefusal(error);
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['campaign', campaign.id] });
      void queryClient.invalidateQueries({ queryKey: ['campaigns'] });
      void queryClient.invalidateQueries({ queryKey: ['runs', campaign.id] });
      void queryClient.invalidateQueries({ queryKey: ['usage'] });
    },
  });
  const status = campaign.status;
  const isAuthor = user?.id === campaign.createdById || user?.id === campaign.lastEditedById;
  const mayWrite = can('marketer', 'admin');
  const go = (action: Action, body?: Record<string, unknown>) => run.mutate({ action, body });
  const busy = run.isPending;
  const buttons: React.ReactNode[] = [];
  if ((status === 'draft' || status === 'blocked') && mayWrite)
    buttons.push(
      <Button key="submit" type="primary" loading={busy} onClick={() => go('submit')}>
        {t('Submit for approval')}
      </Button>,
    );
  if (status === 'pending_approval') {
    if (can('approver')) {
      if (isAuthor)
        buttons.push(
          <Button key="approve" disabled>
            {t('Approve')}
          </Button>,
          <Reason key="why">
            {user?.id === campaign.createdById
              ? t('You wrote this campaign: another approver signs it off.')
              : t('You last edited this campaign: another approver signs it off.')}
          </Reason>,
        );
      else
        buttons.push(
          <Button key="approve" type="primary" onClick={() => setDialog('approve')}>
            {t('Approve')}
          </Button>,
          <Button key="reject" danger onClick={() => setDialog('reject')}>
            {t('Reject')}
          </Button>,
        );
    } else buttons.push(<Reason key="why">{t('Waiting for an approver.')}</Reason>);
  }
  // Withdraw (back to draft, to edit) from every status the API takes it from: the editor and a
  // cost-cap refusal both tell the marketer to withdraw an approved or blocked campaign first.
  if (WITHDRAWABLE.includes(status) && mayWrite)
    buttons.push(
      <Button key="withdraw" loading={busy} onClick={() => go('withdraw')}>
        {t('Withdraw')}
      </Button>,
    );
  if (status === 'approved') {
    if (can('approver', 'admin'))
      buttons.push(
        <Button key="send" type="primary" loading={busy} onClick={() => setConfirmSend(true)}>
          {t('Send now')}
        </Button>,
      );
    else buttons.push(<Reason key="why">{t('An approver or an admin sends it now.')}</Reason>);
  }
  if (status === 'approved' || status === 'sending')
    buttons.push(
      <Button key="pause" loading={busy} onClick={() => go('pause')}>
        {t('Pause')}
      </Button>,
    );
  if (status === 'paused')
    buttons.push(
      <Button key="resume" type="primary" loading={busy} onClick={() => go('resume')}>
        {t('Resume')}
      </Button>,
    );
  if (['approved', 'sending', 'paused', 'blocked', 'failed'].includes(status))
    buttons.push(
      <Button key="cancel" danger loading={busy} onClick={() => go('cancel')}>
        {status === 'sending' ? t('Cancel run') : t('Cancel campaign')}
      </Button>,
    );
  const refusedRun = (refusal?.body as { run?: Run } | null)?.run;
  // send-now inside the account's quiet hours: the API says when it would go; approvers may send anyway.
  const quietRefusal = refusal?.status === 422 && refusal.details.some((d) => d.field === 'overrideQuietHours');
  // Its own words for it, in the reader's language: the API's problem text is English and spells out
  // the request body a script would send ({"overrideQuietHours": true, …}), not the button here.
  const quietUntil = quietRefusal ? (refusal.body as { sendsAtLocal?: string } | null)?.sendsAtLocal : undefined;
  return (
    <>
      <Space wrap>
        <Tag data-testid="campaign-status">{t(`status.${status}`)}</Tag>
        {buttons}
      </Space>
      {refusal && (
        <Alert
          type="error"
          role="alert"
          showIcon
          style={{ marginTop: 12 }}
          title={
            quietRefusal
              ? quietUntil
                ? t('Quiet hours are in force until {{at}}: nothing was sent.', { at: quietUntil })
                : refusal.message
              : refusal.status === 422
                ? t('The budget gate refused the send')
                : refusal.message
          }
          description={
            <ul style={{ margin: 0, paddingLeft: 20 }} data-testid="refusal-reasons">
              {(quietUntil
                ? [t('Send it again once they end, or send it anyway with a reason (kept in the audit log).')]
                : refusedRun?.blockReasons.length
                  ? refusedRun.blockReasons.map((r) => blockReasonText(r, t, i18n.language))
                  : refusal.details.map((d) => d.problem)
              ).map((reason, i) => (
                <li key={i}>{reason}</li>
              ))}
              {refusal.status === 422 && !refusal.details.length && <li>{refusal.message}</li>}
            </ul>
          }
          action={
            quietRefusal && can('approver', 'admin') ? (
              <Button danger onClick={() => setDialog('override')} data-testid="override-quiet-hours">
                {t('Send anyway')}
              </Button>
            ) : undefined
          }
        />
      )}
      <SendNowConfirm
        campaignId={campaign.id}
        open={confirmSend}
        busy={busy}
        onConfirm={() => go('send-now')}
        onCancel={() => setConfirmSend(false)}
      />
      <Modal
        open={dialog !== null}
        title={dialog === 'approve' ? t('Approve') : dialog === 'override' ? t('Send inside quiet hours') : t('Reject')}
        okText={dialog === 'approve' ? t('Approve') : dialog === 'override' ? t('Send anyway') : t('Reject')}
        okButtonProps={{
          danger: dialog !== 'approve',
          disabled: dialog !== 'approve' && !text.trim(),
          loading: busy,
        }}
        cancelText={t('Close')}
        onCancel={() => setDialog(null)}
        onOk={() =>
          dialog === 'approve'
            ? go('approve', text ? { comment: text } : {})
            : dialog === 'override'
              ? go('send-now', { overrideQuietHours: true, reason: text })
              : go('reject', { reason: text })
        }
      >
        <label>
          <span style={{ display: 'block', marginBottom: 4 }}>
            {dialog === 'approve'
              ? t('Comment (optional)')
              : dialog === 'override'
                ? t('Why this send cannot wait for quiet hours to end (kept in the audit log)')
                : t('Reason for rejecting')}
          </span>
          <Input.TextArea rows={3} value={text} onChange={(e) => setText(e.target.value)} />
        </label>
      </Modal>
    </>
  );
}
