import express, { Request, RequestHandler, Response, Router } from 'express';
import { isLineUserId } from '@lcm/domain/line-messages';
import {
  ChannelInput,
  isCount,
  isRecord,
  parseChannelInput,
  parseFaults,
  parseRateLimitOverrides,
  parseUserIds,
} from '../core/channel-settings';
import { isMonthKey, isTimeZone } from '../core/clock';
import type { SendRecord } from '../core/delivery-log';
import { NO_FAULTS } from '../core/faults';
import { deterministicUserId } from '../core/random';
import type { SimChannel } from '../core/sim-channel';
import { ChannelConflictError, ChannelInputError, SimulatorState } from '../core/simulator-state';
import { parseAudienceEvents, WebhookSender } from '../core/webhook-sender';

/**
 * The control and inspection API under `/_sim/` (documented in the simulator's README): set up
 * channels, faults, limits and the clock; read deliveries, sends, the request log and consumption;
 * simulate follow/unfollow with signed webhooks. Not part of LINE's API.
 */
export function controlApiRouter(state: SimulatorState, webhooks: WebhookSender): Router {
  const router = Router();
  router.use('/_sim', express.json({ limit: '50mb' }));

  router.get('/_sim/health', (_req, res) => {
    res.json({ ok: true, channels: state.listChannels().length });
  });
  router.post('/_sim/reset', (_req, res) => {
    state.resetAll();
    res.json({ ok: true });
  });

  // Clock: consumption is counted per calendar month in the clock's time zone.
  router.get('/_sim/clock', (_req, res) => {
    res.json(clockView(state));
  });
  router.put('/_sim/clock', (req, res) => {
    const body: unknown = req.body;
    if (!isRecord(body))
      return badRequest(res, [
        'body must be {"month": "YYYY-MM"} | {"now": ISO-8601} | {"offsetMs": n}, optionally with "timeZone"',
      ]);
    if (body.timeZone !== undefined) {
      if (typeof body.timeZone !== 'string' || !isTimeZone(body.timeZone))
        return badRequest(res, ['timeZone must be an IANA time zone such as Asia/Taipei']);
      state.clock.setTimeZone(body.timeZone);
    }
    if (body.month !== undefined) {
      if (!isMonthKey(body.month)) return badRequest(res, ['month must be YYYY-MM']);
      state.clock.setMonth(body.month);
    } else if (body.now !== undefined) {
      const at = typeof body.now === 'string' ? Date.parse(body.now) : NaN;
      if (Number.isNaN(at)) return badRequest(res, ['now must be an ISO-8601 date-time']);
      state.clock.setNow(at);
    } else if (body.offsetMs !== undefined) {
      if (!Number.isSafeInteger(body.offsetMs)) return badRequest(res, ['offsetMs must be an integer']);
      state.clock.setOffset(body.offsetMs as number);
    }
    res.json(clockView(state));
  });
  router.delete('/_sim/clock', (_req, res) => {
    state.clock.reset();
    res.json(clockView(state));
  });

  // Simulator-wide rate limits (LINE's by default); channels may override them.
  router.get('/_sim/rate-limits', (_req, res) => {
    res.json({ limits: state.rateLimits, retryAfterHeader: state.retryAfterHeader });
  });
  router.put('/_sim/rate-limits', (req, res) => {
    const { retryAfterHeader, ...limits } = isRecord(req.body) ? req.body : {};
    const parsed = parseRateLimitOverrides(limits);
    if (!parsed.ok) return badRequest(res, parsed.errors);
    if (retryAfterHeader !== undefined && typeof retryAfterHeader !== 'boolean')
      return badRequest(res, ['retryAfterHeader must be a boolean']);
    state.setGlobalRateLimits(parsed.value, retryAfterHeader);
    res.json({ limits: state.rateLimits, retryAfterHeader: state.retryAfterHeader });
  });
  router.delete('/_sim/rate-limits', (_req, res) => {
    state.resetGlobalRateLimits();
    res.json({ limits: state.rateLimits, retryAfterHeader: state.retryAfterHeader });
  });

  router.get('/_sim/requests', (req, res) => {
    res.json(requestLogView(state, req, typeof req.query.channelId === 'string' ? req.query.channelId : undefined));
  });

  // Channels.
  router.get('/_sim/channels', (_req, res) => {
    res.json({ channels: state.listChannels().map((channel) => channelView(state, channel)) });
  });
  router.put('/_sim/channels/:channelId', (req, res) => {
    const parsed = parseChannelInput(req.body, { requireToken: true });
    if (!parsed.ok) return badRequest(res, parsed.errors);
    try {
      const { channel, created } = state.putChannel(req.params.channelId, parsed.value);
      res.status(created ? 201 : 200).json(channelView(state, channel));
    } catch (error) {
      channelError(res, error);
    }
  });
  router.post('/_sim/channels', (req, res) => {
    const channelId = isRecord(req.body) ? req.body.channelId : undefined;
    if (typeof channelId !== 'string') return badRequest(res, ['channelId is required']);
    if (state.channel(channelId))
      return res
        .status(409)
        .json({ error: `channel ${channelId} exists; PUT /_sim/channels/${channelId} replaces it` });
    const parsed = parseChannelInput(req.body, { requireToken: true });
    if (!parsed.ok) return badRequest(res, parsed.errors);
    try {
      res.status(201).json(channelView(state, state.putChannel(channelId, parsed.value).channel));
    } catch (error) {
      channelError(res, error);
    }
  });

  const withChannel =
    (handler: (channel: SimChannel, req: Request, res: Response) => unknown): RequestHandler =>
    async (req, res) => {
      const channel = state.channel(String(req.params.channelId));
      if (!channel) {
        res.status(404).json({ error: `no channel ${req.params.channelId}` });
        return;
      }
      await handler(channel, req, res);
    };

  router.get(
    '/_sim/channels/:channelId',
    withChannel((channel, _req, res) => res.json(channelView(state, channel))),
  );
  router.patch(
    '/_sim/channels/:channelId',
    withChannel((channel, req, res) => {
      const parsed = parseChannelInput(req.body, { requireToken: false });
      if (!parsed.ok) return badRequest(res, parsed.errors);
      try {
        state.updateChannel(channel, parsed.value);
        res.json(channelView(state, channel));
      } catch (error) {
        channelError(res, error);
      }
    }),
  );
  router.delete(
    '/_sim/channels/:channelId',
    withChannel((channel, _req, res) => res.json({ deleted: state.removeChannel(channel.id) })),
  );
  router.post(
    '/_sim/channels/:channelId/reset',
    withChannel((channel, _req, res) => {
      channel.reset();
      res.json(channelView(state, channel));
    }),
  );

  router.put(
    '/_sim/channels/:channelId/faults',
    withChannel((channel, req, res) => applyChannelChange(res, state, channel, 'faults', parseFaults(req.body))),
  );
  router.delete(
    '/_sim/channels/:channelId/faults',
    withChannel((channel, _req, res) =>
      applyChannelChange(res, state, channel, 'faults', { ok: true, value: { ...NO_FAULTS, script: [] } }),
    ),
  );
  router.put(
    '/_sim/channels/:channelId/rate-limits',
    withChannel((channel, req, res) => {
      const { retryAfterHeader, ...limits } = isRecord(req.body) ? req.body : {};
      if (retryAfterHeader !== undefined && retryAfterHeader !== null && typeof retryAfterHeader !== 'boolean') {
        return badRequest(res, ['retryAfterHeader must be a boolean or null']);
      }
      const parsed = parseRateLimitOverrides(limits);
      if (!parsed.ok) return badRequest(res, parsed.errors);
      state.updateChannel(channel, {
        rateLimits: parsed.value,
        retryAfterHeader: retryAfterHeader as boolean | null | undefined,
      });
      res.json(channelView(state, channel));
    }),
  );
  router.delete(
    '/_sim/channels/:channelId/rate-limits',
    withChannel((channel, _req, res) => {
      state.updateChannel(channel, { rateLimits: {}, retryAfterHeader: null });
      res.json(channelView(state, channel));
    }),
  );

  // Audience: direct changes (no webhook), and simulated user actions (with a signed webhook).
  router.get(
    '/_sim/channels/:channelId/followers',
    withChannel((channel, _req, res) =>
      res.json({ followers: channel.audience.followers(), blocked: channel.audience.blocked() }),
    ),
  );
  router.post(
    '/_sim/channels/:channelId/followers',
    withChannel((channel, req, res) => {
      const body: Record<string, unknown> = isRecord(req.body) ? req.body : {};
      const ids = body.userIds === undefined ? { ok: true as const, value: [] } : parseUserIds(body.userIds, 'userIds');
      if (!ids.ok) return badRequest(res, ids.errors);
      if (body.count !== undefined && (!isCount(body.count) || body.count > 5_000_000))
        return badRequest(res, ['count must be an integer from 0 to 5000000']);
      const generated = (body.count as number | undefined) ?? 0;
      for (const userId of ids.value) channel.audience.follow(userId);
      const start = channel.audience.followerCount + channel.audience.blockedCount;
      for (let i = 0; i < generated; i += 1) channel.audience.follow(generatedUserId(channel, start + i));
      res.json({ followers: channel.audience.followerCount, blocked: channel.audience.blockedCount });
    }),
  );
  router.post(
    '/_sim/channels/:channelId/blocked',
    withChannel((channel, req, res) => {
      const ids = parseUserIds(isRecord(req.body) ? req.body.userIds : undefined, 'userIds');
      if (!ids.ok) return badRequest(res, ids.errors);
      for (const userId of ids.value) channel.audience.block(userId);
      res.json({ followers: channel.audience.followerCount, blocked: channel.audience.blockedCount });
    }),
  );
  router.post(
    '/_sim/channels/:channelId/webhook-events',
    withChannel(async (channel, req, res) => {
      const parsed = parseAudienceEvents(req.body);
      if (!parsed.ok) return badRequest(res, parsed.errors);
      res.json(await webhooks.apply(channel, parsed.value.events, parsed.value.url));
    }),
  );

  // Inspection.
  router.get(
    '/_sim/channels/:channelId/deliveries',
    withChannel((channel, req, res) => {
      const userId = req.query.userId;
      if (userId === undefined) {
        return res.json({
          ...channel.deliveries.summary(),
          ...(req.query.perUser === 'true' ? { perUser: channel.deliveries.perUser() } : {}),
        });
      }
      if (!isLineUserId(userId)) return badRequest(res, ['userId must be U and 32 hex digits']);
      const sends = channel.deliveries.forUser(userId);
      res.json({
        userId,
        status: channel.statusOf(userId),
        count: sends.length,
        deliveries: sends.map((send) => ({
          requestId: send.requestId,
          endpoint: send.endpoint,
          retryKey: send.retryKey,
          deliveredAt: iso(send.acceptedAt),
          messages: send.messages,
        })),
      });
    }),
  );
  router.get(
    '/_sim/channels/:channelId/sends',
    withChannel((channel, _req, res) => res.json({ sends: channel.deliveries.all().map(sendSummary) })),
  );
  router.get(
    '/_sim/channels/:channelId/sends/:requestId',
    withChannel((channel, req, res) => {
      const send = channel.deliveries.find(String(req.params.requestId));
      if (!send) return res.status(404).json({ error: `no accepted send ${req.params.requestId}` });
      res.json({
        ...sendSummary(send),
        messages: send.messages,
        deliveredTo: send.deliveredTo,
        skipped: send.skipped,
        sentMessages: send.sentMessages,
      });
    }),
  );
  router.get(
    '/_sim/channels/:channelId/requests',
    withChannel((channel, req, res) => res.json(requestLogView(state, req, channel.id))),
  );
  router.get(
    '/_sim/channels/:channelId/consumption',
    withChannel((channel, _req, res) => res.json(consumptionView(channel))),
  );
  router.put(
    '/_sim/channels/:channelId/consumption',
    withChannel((channel, req, res) => {
      const body: Record<string, unknown> = isRecord(req.body) ? req.body : {};
      if (!isCount(body.totalUsage)) return badRequest(res, ['totalUsage must be a non-negative integer']);
      if (body.month !== undefined && !isMonthKey(body.month)) return badRequest(res, ['month must be YYYY-MM']);
      channel.usage.set((body.month as string | undefined) ?? channel.currentMonth(), body.totalUsage);
      res.json(consumptionView(channel));
    }),
  );
  router.post(
    '/_sim/channels/:channelId/consumption/reset',
    withChannel((channel, req, res) => {
      const month = isRecord(req.body) ? req.body.month : undefined;
      if (month !== undefined && month !== 'all' && !isMonthKey(month))
        return badRequest(res, ['month must be YYYY-MM or "all"']);
      channel.usage.reset(month === 'all' ? undefined : ((month as string | undefined) ?? channel.currentMonth()));
      res.json(consumptionView(channel));
    }),
  );

  router.use('/_sim', (_req, res) => {
    res.status(404).json({ error: 'no such control route; see libs/line-simulator/README.md' });
  });
  return router;
}

function applyChannelChange<K extends keyof ChannelInput>(
  res: Response,
  state: SimulatorState,
  channel: SimChannel,
  key: K,
  parsed: { ok: true; value: ChannelInput[K] } | { ok: false; errors: string[] },
): void {
  if (!parsed.ok) return badRequest(res, parsed.errors);
  state.updateChannel(channel, { [key]: parsed.value } as ChannelInput);
  res.json(channelView(state, channel));
}

function badRequest(res: Response, problems: string[]): void {
  res.status(400).json({ error: 'invalid request', problems });
}

function channelError(res: Response, error: unknown): void {
  if (error instanceof ChannelConflictError) res.status(409).json({ error: error.message });
  else if (error instanceof ChannelInputError) badRequest(res, [error.message]);
  else throw error;
}

function generatedUserId(channel: SimChannel, index: number): string {
  // Its own namespace, so ids added later never collide with the channel's `followerCount` ids.
  return deterministicUserId(channel.id, index, 'added');
}

export function channelView(state: SimulatorState, channel: SimChannel) {
  const settings = channel.settings;
  return {
    channelId: settings.channelId,
    accessToken: settings.accessToken,
    channelSecret: settings.channelSecret,
    quota: settings.quota,
    consumption: { month: channel.currentMonth(), totalUsage: channel.usedThisMonth() },
    audience: { followers: channel.audience.followerCount, blocked: channel.audience.blockedCount },
    webhookUrl: settings.webhookUrl,
    botInfo: settings.botInfo,
    rateLimits: state.effectiveRateLimits(channel),
    rateLimitOverrides: settings.rateLimits,
    retryAfterHeader: state.sendsRetryAfter(channel),
    faults: channel.faults.current,
    sends: channel.deliveries.all().length,
  };
}

function clockView(state: SimulatorState) {
  const now = state.clock.now();
  return {
    now: iso(now),
    month: state.clock.monthOf(now),
    timeZone: state.clock.timeZone,
    offsetMs: state.clock.offset,
  };
}

function consumptionView(channel: SimChannel) {
  return {
    month: channel.currentMonth(),
    totalUsage: channel.usedThisMonth(),
    quota: channel.quota,
    byMonth: channel.usage.toJSON(),
  };
}

function sendSummary(send: SendRecord) {
  return {
    requestId: send.requestId,
    endpoint: send.endpoint,
    retryKey: send.retryKey,
    acceptedAt: iso(send.acceptedAt),
    messageCount: send.messages.length,
    delivered: send.deliveredTo.length,
    skipped: { blocked: send.skipped.blocked.length, unknown: send.skipped.unknown.length },
    counted: send.counted,
  };
}

function requestLogView(state: SimulatorState, req: Request, channelId: string | undefined) {
  const sinceSeq = Number(req.query.sinceSeq ?? 0);
  const limit = req.query.limit === undefined ? undefined : Number(req.query.limit);
  const requests = state.requestLog.query({
    channelId,
    sinceSeq: Number.isFinite(sinceSeq) ? sinceSeq : 0,
    limit: limit !== undefined && Number.isFinite(limit) ? limit : undefined,
  });
  return { lastSeq: state.requestLog.lastSeq, requests };
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
