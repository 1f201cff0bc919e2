// Response shapes the OpenAPI document leaves as plain objects (a forecast's parts, a month's
// projection), typed from the domain's own definitions: one source, type-only (nothing of the
// domain is bundled; the browser shows what the API computed).
import type { Schemas } from './client';
import type {
  ForecastBudget,
  ForecastCost,
  ForecastQuota,
  Suggestion,
  Verdict,
} from '../../../../libs/domain/src/forecast/forecast.types';
import type { RateCardSummary } from '../../../../libs/domain/src/pricing';

export type { AudienceRule } from '../../../../libs/domain/src/segments/rule.types';
export type { Suggestion, Verdict };

export interface Money {
  amount: string;
  currency: string;
}

export type Forecast = Omit<
  Schemas['ForecastResponseDto'],
  'quota' | 'cost' | 'budget' | 'suggestions' | 'rateCard'
> & {
  quota: ForecastQuota;
  cost: ForecastCost;
  budget: ForecastBudget;
  suggestions: Suggestion[];
  rateCard: RateCardSummary & { id: string };
};

export type Usage = Omit<Schemas['UsageResponseDto'], 'line'> & {
  line: {
    quota: { type: 'none' | 'limited'; value?: number | null } | null;
    consumption: number | null; // LINE's count of the month's messages at readAt
    readAt: string | null;
    fresh: boolean;
    lastError: string | null;
  };
};

export type Role = 'admin' | 'marketer' | 'approver';
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export type Campaign = Schemas['CampaignResponseDto'];
export type Run = Schemas['RunResponseDto'];
export type LineAccount = Schemas['LineAccountResponseDto'];
export type Audience = Schemas['AudienceResponseDto'];
export type AudienceSize = Schemas['AudienceSizeResponseDto'];
export type Contact = Schemas['ContactResponseDto'];

export type CampaignResults = Schemas['CampaignResultsDto'];
export type RunResults = Schemas['RunResultsDto'];
export type ResultCount = Schemas['ResultCountDto'];
