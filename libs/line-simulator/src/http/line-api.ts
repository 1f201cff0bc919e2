import { setTimeout as delay } from 'node:timers/promises';
import express, { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { acceptsRetryKey, LineEndpoint, rateLimitGroupOf } from '../core/endpoints';
import { deliveryCountReply } from '../core/delivery-counts';
import { InsightService } from '../core/insight';
import { ApiReply, MessagingService, SendCall } from '../core/messaging-service';
import type { SimChannel } from '../core/sim-channel';
import type { SimulatorState } from '../core/simulator-state';
import { requestIdOf } from './request-id';

export const RATE_LIMIT_MESSAGE = 'The API rate limit has been exceeded. Try again later.';
export const MISSING_TOKEN_MESSAGE =
  "Authorization header required. Must follow the scheme, 'Authorization: Bearer <ACCESS TOKEN>'";
export const INVALID_TOKEN_MESSAGE =
  'Authentication failed. Confirm that the access token in the authorization header is valid.';

const RETRY_KEY_FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface LineApiDependencies {
  state: SimulatorState;
  messaging: MessagingService;
  /** Aborted when the simulator closes, so injected latency never outlives the server. */
  shutdown: AbortSignal;
}

interface EndpointCall extends SendCall {
  query: Record<string, unknown>;
}

type EndpointBehaviour = (call: EndpointCall) => ApiReply;

/** The Messaging API routes. Each is one line: its name, and the behaviour that answers it. */
export function lineApiRouter(deps: LineApiDependencies): Router {
  const { messaging } = deps;
  const endpoint = endpointHandlerFactory(deps);
  const insight = new InsightService();
  const router = Router();
  // LINE reads every body as JSON whatever its content type.
  router.use('/v2', express.json({ limit: '10mb', type: () => true }));

  router.post(
    '/v2/bot/message/push',
    endpoint('push', (call) => messaging.push(call)),
  );
  router.post(
    '/v2/bot/message/multicast',
    endpoint('multicast', (call) => messaging.multicast(call)),
  );
  router.post(
    '/v2/bot/message/broadcast',
    endpoint('broadcast', (call) => messaging.broadcast(call)),
  );
  router.post(
    '/v2/bot/message/validate/push',
    endpoint('validate_push', (call) => messaging.validate(call.body)),
  );
  router.post(
    '/v2/bot/message/validate/multicast',
    endpoint('validate_multicast', (call) => messaging.validate(call.body)),
  );
  router.post(
    '/v2/bot/message/validate/broadcast',
    endpoint('validate_broadcast', (call) => messaging.validate(call.body)),
  );
  router.post(
    '/v2/bot/message/validate/narrowcast',
    endpoint('validate_narrowcast', (call) => messaging.validate(call.body)),
  );
  router.post(
    '/v2/bot/message/validate/reply',
    endpoint('validate_reply', (call) => messaging.validate(call.body)),
  );
  router.get(
    '/v2/bot/message/quota',
    endpoint('quota', (call) => messaging.quota(call.channel)),
  );
  router.get(
    '/v2/bot/message/quota/consumption',
    endpoint('consumption', (call) => messaging.consumption(call.channel)),
  );
  router.get(
    '/v2/bot/followers/ids',
    endpoint('followers', (call) => messaging.followers(call.channel, call.query)),
  );
  router.get(
    '/v2/bot/message/delivery/multicast',
    endpoint('delivery_multicast', (call) => deliveryCountReply(call.channel, 'multicast', call.query, call.now)),
  );
  router.get(
    '/v2/bot/message/delivery/push',
    endpoint('delivery_push', (call) => deliveryCountReply(call.channel, 'push', call.query, call.now)),
  );
  router.get(
    '/v2/bot/info',
    endpoint('bot_info', (call) => messaging.botInfo(call.channel)),
  );

  router.get(
    '/v2/bot/message/aggregation/info',
    endpoint('aggregation_info', (call) => insight.aggregationInfo(call.channel)),
  );
  router.get(
    '/v2/bot/message/aggregation/list',
    endpoint('aggregation_list', (call) => insight.aggregationList(call.channel, call.query)),
  );
  router.get(
    '/v2/bot/insight/message/event/aggregation',
    endpoint('statistics_per_unit', (call) => insight.statisticsPerUnit(call.channel, call.query)),
  );

  router.use('/v2', (req, res) => {
    const reply: ApiReply = { status: 404, body: { message: 'Not found' }, outcome: 'not_found' };
    send(res, reply);
    logCall(deps.state, req, res, {
      channel: authenticate(req, deps.state).channel ?? null,
      endpoint: null,
      reply,
      startedAt: Date.now(),
    });
  });
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) =>
    bodyErrorHandler(deps.state, error, req, res, next),
  );
  return router;
}

/**
 * Wraps an endpoint's behaviour in what every LINE call goes through, in LINE's order: bearer
 * token (401), `X-Line-Retry-Key` header (400), rate limit (429), injected latency and 5xx, the
 * behaviour itself, and an injected lost response (the request took effect, the answer never comes).
 */
function endpointHandlerFactory(deps: LineApiDependencies) {
  const { state } = deps;
  return (name: LineEndpoint, behaviour: EndpointBehaviour): RequestHandler =>
    async (req, res) => {
      const startedAt = Date.now();
      const retryKey = req.get('X-Line-Retry-Key') ?? null;
      const log = (channel: SimChannel | null, reply: ApiReply, responseLost = false) =>
        logCall(state, req, res, { channel, endpoint: name, reply, retryKey, startedAt, responseLost });

      const auth = authenticate(req, state);
      if (!auth.channel) {
        send(res, auth.reply);
        return log(null, auth.reply);
      }
      const channel = auth.channel;

      const headerProblem = retryKeyProblem(name, retryKey);
      if (headerProblem) {
        send(res, headerProblem);
        return log(channel, headerProblem);
      }

      const now = state.clock.now();
      const rate = channel.limiter.tryAdmit(
        rateLimitGroupOf(name),
        state.effectiveRateLimit(channel, rateLimitGroupOf(name)),
        now,
      );
      if (!rate.allowed) {
        const reply: ApiReply = { status: 429, body: { message: RATE_LIMIT_MESSAGE }, outcome: 'rate_limited' };
        if (state.sendsRetryAfter(channel))
          reply.headers = { 'Retry-After': String(Math.ceil(rate.retryAfterMs / 1000)) };
        send(res, reply);
        return log(channel, reply);
      }

      const fault = channel.faults.decide(name);
      if (fault.latencyMs > 0) {
        try {
          await delay(fault.latencyMs, undefined, { signal: deps.shutdown });
        } catch {
          req.socket.destroy(); // the simulator is closing
          return;
        }
      }
      if (fault.serverErrorStatus !== null) {
        const reply: ApiReply = {
          status: fault.serverErrorStatus,
          body: { message: 'An error occurred in the server' },
          outcome: 'server_error',
        };
        send(res, reply);
        return log(channel, reply);
      }

      const reply = behaviour({
        channel,
        body: req.body,
        query: req.query as Record<string, unknown>,
        retryKey,
        requestId: requestIdOf(res),
        now: state.clock.now(),
      });
      if (fault.loseResponse && reply.status < 300) {
        log(channel, reply, true);
        req.socket.destroy();
        return;
      }
      send(res, reply);
      log(channel, reply);
    };
}

function retryKeyProblem(name: LineEndpoint, retryKey: string | null): ApiReply | null {
  if (retryKey === null) return null;
  if (!acceptsRetryKey(name)) {
    return {
      status: 400,
      body: { message: 'The X-Line-Retry-Key header is not supported by this API' },
      outcome: 'invalid',
    };
  }
  if (!RETRY_KEY_FORMAT.test(retryKey)) {
    return {
      status: 400,
      body: { message: 'The value of the X-Line-Retry-Key header must be a UUID' },
      outcome: 'invalid',
    };
  }
  return null;
}

type AuthResult = { channel: SimChannel; reply?: undefined } | { channel?: undefined; reply: ApiReply };

function authenticate(req: Request, state: SimulatorState): AuthResult {
  const header = req.get('Authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) return { reply: { status: 401, body: { message: MISSING_TOKEN_MESSAGE }, outcome: 'unauthorized' } };
  const channel = state.channelForToken(match[1]);
  if (!channel) return { reply: { status: 401, body: { message: INVALID_TOKEN_MESSAGE }, outcome: 'unauthorized' } };
  return { channel };
}

/** Unparseable or oversized bodies: an unknown token still gets 401 first, like a well-formed call. */
function bodyErrorHandler(
  state: SimulatorState,
  error: unknown,
  req: Request,
  res: Response,
  next: NextFunction,
): void {
  const type =
    typeof error === 'object' && error !== null && 'type' in error ? (error as { type: unknown }).type : undefined;
  if (type !== 'entity.parse.failed' && type !== 'entity.too.large') return next(error);
  const auth = authenticate(req, state);
  const reply: ApiReply =
    auth.reply ??
    (type === 'entity.too.large'
      ? { status: 413, body: { message: 'Request Entity Too Large' }, outcome: 'invalid' }
      : { status: 400, body: { message: 'The request body could not be parsed as JSON' }, outcome: 'invalid' });
  send(res, reply);
  logCall(state, req, res, { channel: auth.channel ?? null, endpoint: null, reply, startedAt: Date.now() });
}

function send(res: Response, reply: ApiReply): void {
  res.status(reply.status);
  if (reply.headers) res.set(reply.headers);
  res.json(reply.body);
}

function logCall(
  state: SimulatorState,
  req: Request,
  res: Response,
  call: {
    channel: SimChannel | null;
    endpoint: LineEndpoint | null;
    reply: ApiReply;
    retryKey?: string | null;
    startedAt: number;
    responseLost?: boolean;
  },
): void {
  state.requestLog.append({
    at: new Date(state.clock.now()).toISOString(),
    channelId: call.channel?.id ?? null,
    method: req.method,
    path: req.originalUrl.split('?')[0],
    endpoint: call.endpoint,
    status: call.reply.status,
    outcome: call.reply.outcome,
    requestId: requestIdOf(res),
    retryKey: call.retryKey ?? null,
    recipients: call.reply.recipients ?? null,
    delivered: call.reply.delivered ?? null,
    counted: call.reply.counted ?? null,
    responseLost: call.responseLost ?? false,
    latencyMs: Date.now() - call.startedAt,
  });
}
