// The composer's live forecast: the draft as it stands, sent to POST /campaigns/forecast-draft
// once the marketer stops typing, and shown as the API answered. The browser computes nothing;
// while the API can't forecast the draft (a time in the past, no end to a cron), the last answer
// stays on screen marked stale, with the API's problems.
import { useMemo, useRef } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, ApiError, call, type FieldProblem, type Schemas } from '../api/client';
import type { Forecast } from '../api/types';
import { useDebounced } from '../hooks';

export type DraftForecastBody = Schemas['CampaignDraftForecastDto'];
export type DraftForecast = Forecast & { sendAt: string | null };

export interface DraftForecastState {
  forecast: DraftForecast | undefined;
  /** An edit is waiting for the debounce, or its answer is on its way. */
  updating: boolean;
  /** The API's reasons it could not forecast the draft as it stands (a 400). */
  problems: FieldProblem[];
  /** Anything else that went wrong (the network, the session). */
  error: unknown;
  /** The forecast shown is not of the draft as it stands. */
  stale: boolean;
}

/** `body` null: nothing to forecast yet (no audience chosen). */
export function useDraftForecast(body: DraftForecastBody | null, ms = 400): DraftForecastState {
  const key = body ? JSON.stringify(body) : null;
  const settled = useDebounced(key, ms);
  const query = useQuery({
    queryKey: ['forecast-draft', settled],
    enabled: settled !== null,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 10_000,
    queryFn: async ({ signal }) =>
      (await call(
        api.POST('/api/v1/campaigns/forecast-draft', { body: JSON.parse(settled!) as DraftForecastBody, signal }),
      )) as DraftForecast,
  });
  const last = useRef<DraftForecast | undefined>(undefined);
  if (query.data && !query.isPlaceholderData) last.current = query.data;
  const refused = query.error instanceof ApiError && query.error.status === 400 ? query.error : null;
  const problems = useMemo(
    () => (refused ? (refused.details.length ? refused.details : [{ field: 'draft', problem: refused.message }]) : []),
    [refused],
  );
  const updating = key !== settled || query.isFetching;
  return {
    forecast: query.data ?? last.current,
    updating,
    problems,
    error: refused ? null : query.error,
    stale: updating || !!query.error || query.isPlaceholderData,
  };
}
