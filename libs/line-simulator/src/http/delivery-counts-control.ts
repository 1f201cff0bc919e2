import express, { Response, Router } from 'express';
import { isRecord } from '../core/channel-settings';
import { DeliveryCountEndpoint, isDateParam, isDeliveryCountFigure } from '../core/delivery-counts';
import type { SimulatorState } from '../core/simulator-state';

/**
 * `/_sim/channels/:id/delivery-counts`: what the delivery-count endpoints answer per day, the delay
 * before a day is ready, and days whose answer a test sets outright.
 */
export function deliveryCountsControlRouter(state: SimulatorState): Router {
  const router = Router();
  router.use('/_sim/channels/:channelId/delivery-counts', express.json());
  router.get('/_sim/channels/:channelId/delivery-counts', (req, res) => {
    const channel = state.channel(String(req.params.channelId));
    if (!channel) return notFound(res, req.params.channelId);
    res.json(view(state, channel.id));
  });
  router.put('/_sim/channels/:channelId/delivery-counts', (req, res) => {
    const channel = state.channel(String(req.params.channelId));
    if (!channel) return notFound(res, req.params.channelId);
    const body: Record<string, unknown> = isRecord(req.body) ? req.body : {};
    const problems: string[] = [];
    const { readyAfterMs, days } = body;
    if (readyAfterMs !== undefined && !(Number.isSafeInteger(readyAfterMs) && (readyAfterMs as number) >= 0))
      problems.push('readyAfterMs must be a whole number of milliseconds, 0 or more');
    const changes: [DeliveryCountEndpoint, string, unknown][] = [];
    if (days !== undefined) {
      if (!isRecord(days))
        problems.push('days must be {"yyyyMMdd": {"multicast"?: figure | null, "push"?: figure | null}}');
      else
        for (const [date, byEndpoint] of Object.entries(days)) {
          if (!isDateParam(date)) problems.push(`days: ${date} is not a yyyyMMdd date`);
          else if (!isRecord(byEndpoint)) problems.push(`days.${date} must be {"multicast"?, "push"?}`);
          else
            for (const [endpoint, figure] of Object.entries(byEndpoint)) {
              if (endpoint !== 'multicast' && endpoint !== 'push')
                problems.push(`days.${date}.${endpoint}: only multicast and push`);
              else if (figure !== null && !isDeliveryCountFigure(figure))
                problems.push(
                  `days.${date}.${endpoint} must be {"status": "ready", "success": n}, another status without success, or null`,
                );
              else changes.push([endpoint, date, figure]);
            }
        }
    }
    if (problems.length) return res.status(400).json({ error: 'invalid request', problems });
    if (readyAfterMs !== undefined) channel.deliveryCounts.readyAfterMs = readyAfterMs as number;
    for (const [endpoint, date, figure] of changes)
      channel.deliveryCounts.setOverride(
        endpoint,
        date,
        figure as Parameters<typeof channel.deliveryCounts.setOverride>[2],
      );
    res.json(view(state, channel.id));
  });
  return router;
}

function view(state: SimulatorState, channelId: string) {
  const channel = state.channel(channelId)!;
  return {
    readyAfterMs: channel.deliveryCounts.readyAfterMs,
    overrides: channel.deliveryCounts.overridesView(),
    days: channel.deliveryCounts.days(channel, state.clock.now()),
  };
}

function notFound(res: Response, channelId: string): void {
  res.status(404).json({ error: `no channel ${channelId}` });
}
