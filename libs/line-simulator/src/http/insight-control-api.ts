import express, { Request, Response, Router } from 'express';
import { isRecord } from '../core/channel-settings';
import { AGGREGATION_UNITS_PER_MONTH, isUnitName, parseUnitFigures, STATISTICS_THRESHOLD } from '../core/insight';
import type { SimChannel } from '../core/sim-channel';
import type { SimulatorState } from '../core/simulator-state';

/**
 * Control routes for aggregation units and their statistics (documented in the simulator's README):
 * a test sets the true counts behind a unit (LINE reports null under 20) and how many units other
 * tools used this month.
 */
export function insightControlRouter(state: SimulatorState): Router {
  const router = Router();
  const json = express.json();

  const withChannel =
    (handler: (channel: SimChannel, req: Request, res: Response) => void) => (req: Request, res: Response) => {
      const channel = state.channel(String(req.params.channelId));
      if (!channel) {
        res.status(404).json({ error: `no channel ${req.params.channelId}` });
        return;
      }
      handler(channel, req, res);
    };

  router.put(
    '/_sim/channels/:channelId/statistics/:unit',
    json,
    withChannel((channel, req, res) => {
      if (!isUnitName(req.params.unit)) return badRequest(res, ['unit must be 1 to 30 letters, digits or underscores']);
      const parsed = parseUnitFigures(req.body);
      if (!parsed.ok) return badRequest(res, parsed.errors);
      channel.insight.setFigures(req.params.unit, parsed.value);
      res.json({ unit: req.params.unit, figures: parsed.value, threshold: STATISTICS_THRESHOLD });
    }),
  );
  router.get(
    '/_sim/channels/:channelId/statistics/:unit',
    withChannel((channel, req, res) => {
      res.json({ unit: req.params.unit, figures: channel.insight.figuresOf(String(req.params.unit)) ?? null });
    }),
  );
  router.get(
    '/_sim/channels/:channelId/aggregation-units',
    withChannel((channel, _req, res) => res.json(unitsView(channel))),
  );
  router.put(
    '/_sim/channels/:channelId/aggregation-units',
    json,
    withChannel((channel, req, res) => {
      const usedElsewhere = isRecord(req.body) ? req.body.usedElsewhere : undefined;
      if (!Number.isSafeInteger(usedElsewhere) || (usedElsewhere as number) < 0)
        return badRequest(res, ['usedElsewhere must be a non-negative integer']);
      channel.insight.setUsedElsewhere(channel.currentMonth(), usedElsewhere as number);
      res.json(unitsView(channel));
    }),
  );
  return router;
}

function unitsView(channel: SimChannel) {
  const month = channel.currentMonth();
  return {
    month,
    used: channel.insight.used(month),
    limit: AGGREGATION_UNITS_PER_MONTH,
    usedElsewhere: channel.insight.usedElsewhere(month),
    units: channel.insight.unitNames(month),
  };
}

function badRequest(res: Response, problems: string[]): void {
  res.status(400).json({ error: 'invalid request', problems });
}
